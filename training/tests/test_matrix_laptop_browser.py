"""The training matrix on a 1366 x 768 laptop (the commonest school screen) and a phone:
the table scrolls sideways inside its own region, the names stay put, the region fits
the window (its sideways scroll bar is never below the fold) and the last requirement's
header can be brought into view. axe checks both."""

import datetime
import os

import pytest
from django.utils import timezone

from esafety.browser import checked, signed_in_page
from esafety.models import Role
from esafety.testing import person
from training import services
from training.models import Requirement
from training.standard import install_standard_requirements
from training.tests.factories import requirement

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def busy_matrix(personas):
    """The standard set and two of the school's own (10 requirements) for 30 people."""
    p = personas
    install_standard_requirements(p.school, by=p.headteacher)
    requirement(p.school, title="Using the new behaviour system safely")
    last = requirement(p.school, title="Zoom and Teams: running a safe live lesson")
    staff = [person(p.school, Role.STAFF, name=f"Staff Member {n:02d}") for n in range(26)]
    services.record_session(
        school=p.school,
        requirement=Requirement.objects.get(school=p.school, code="staff-safeguarding"),
        people=[s.pk for s in staff[:20]],
        completed_on=timezone.localdate() - datetime.timedelta(days=20),
        by=p.esafety_officer,
    )
    return last


def open_matrix(browser_page, live_server, p, viewport):
    page = signed_in_page(browser_page, live_server, p.esafety_officer, viewport=viewport)
    page.goto(f"{live_server.url}/schools/{p.school.slug}/training/")
    return page


def box(locator):
    return locator.bounding_box()


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop-1366", "phone-390"])
def test_the_last_requirement_can_be_reached_and_the_names_stay(
    personas, live_server, browser_page, busy_matrix, viewport
):
    page = open_matrix(browser_page, live_server, personas, viewport)
    checked(page, f"training-matrix-{viewport['width']}")
    width, height = viewport["width"], viewport["height"]
    # The page itself never scrolls sideways: only the matrix's own region does.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    wrap = page.locator(".matrix-wrap")
    # Scrolled to, the whole region (and so its sideways scroll bar) fits in the window.
    wrap.evaluate("wrap => wrap.scrollIntoView({block: 'end', behavior: 'instant'})")
    region = box(wrap)
    assert region["height"] <= height
    assert region["y"] >= -1 and region["y"] + region["height"] <= height + 1
    assert region["x"] >= 0 and region["x"] + region["width"] <= width + 1
    # The last requirement's header is brought into view, beside the names, not under them.
    last = page.get_by_role("columnheader", name=busy_matrix.title)
    last.scroll_into_view_if_needed()
    header, name = box(last), box(page.get_by_role("rowheader", name="Staff Member 00"))
    assert header["x"] + header["width"] <= region["x"] + region["width"] + 1
    assert header["x"] >= name["x"] + name["width"] - 1
    assert header["y"] >= 0 and header["y"] + header["height"] <= height
    assert name["x"] <= region["x"] + 1  # the names stayed at the left edge
    checked(page, f"training-matrix-{viewport['width']}-scrolled")


def test_the_matrix_scrolls_sideways_from_the_keyboard(
    personas, live_server, browser_page, busy_matrix
):
    page = open_matrix(browser_page, live_server, personas, LAPTOP)
    wrap = page.locator(".matrix-wrap")
    wrap.focus()
    before = wrap.evaluate("wrap => wrap.scrollLeft")
    for _ in range(40):
        page.keyboard.press("ArrowRight")
    # Each key press scrolls smoothly: wait for the scrolling to come to rest (a busy
    # machine may still be animating the last presses when the loop ends).
    page.wait_for_function(
        """wrap => new Promise(done => {
            let last = -1;
            const settle = () => wrap.scrollLeft === last
                ? done(true) : (last = wrap.scrollLeft, setTimeout(settle, 150));
            settle();
        })""",
        arg=wrap.element_handle(),
    )
    assert wrap.evaluate("wrap => wrap.scrollLeft") > before
    last = box(page.get_by_role("columnheader", name=busy_matrix.title))
    assert last["x"] + last["width"] <= LAPTOP["width"]
