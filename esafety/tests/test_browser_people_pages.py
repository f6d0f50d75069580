"""In Chromium: a teacher's phone home page opens with "Log an incident" on its first
screen; the pages for the trust safeguarding lead, ending a parent's link and closure days
pass axe at desktop and phone widths.

Set SCREENSHOT_DIR=/some/folder to save a screenshot of every page visited.
"""

import datetime
import os

import pytest
from django.urls import reverse
from django.utils import timezone

from esafety.browser import (
    VIEWPORTS,
    assert_no_console_errors,
    checked,
    save_screenshot,
    signed_in_page,
)
from esafety.models import ClosureDay, Notification, ParentLink, Role, TrustLead
from esafety.testing import person

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


def test_log_an_incident_is_on_the_first_screen_of_a_teachers_phone(
    personas, live_server, browser_page
):
    """With a full "New for you" panel above everything else, the teacher's first thing to
    do is still on the first screen, without scrolling."""
    for n in range(8):
        Notification.objects.create(
            recipient=personas.teacher, title=f"Please read and sign: document {n}", link="/"
        )
    page = signed_in_page(browser_page, live_server, personas.teacher, viewport="phone")
    page.goto(f"{live_server.url}{reverse('home')}")
    save_screenshot(page, "home-teacher-phone")
    link = page.get_by_role("link", name="Log an incident", exact=True).first
    box = link.bounding_box()
    assert box is not None and link.is_visible()
    assert page.evaluate("window.scrollY") == 0
    assert box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORTS["phone"]["height"], box
    assert link.get_attribute("href") == reverse("incident-create")
    link.click()
    page.wait_for_url(f"{live_server.url}{reverse('incident-create')}*")
    assert_no_console_errors(page)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_chairs_trust_lead_pages_pass_axe(personas, live_server, browser_page, viewport):
    lead = person(personas.other_school, Role.STAFF, name="Nadia Karim")
    page = signed_in_page(browser_page, live_server, personas.chair, viewport=viewport)
    page.goto(f"{live_server.url}{reverse('trust-leads')}")
    checked(page, f"trust-leads-empty-{viewport}")
    page.get_by_label("Their email address").fill(lead.email)
    page.get_by_role("button", name="Appoint").click()
    checked(page, f"trust-leads-appointed-{viewport}")
    assert TrustLead.objects.active().filter(user=lead).exists()
    page.get_by_role("link", name="End Nadia Karim's appointment").click()
    checked(page, f"trust-lead-end-{viewport}")
    page.get_by_label("Why (optional)").fill("Moved to another trust")
    page.get_by_role("button", name="End the appointment").click()
    checked(page, f"trust-leads-ended-{viewport}")
    assert not TrustLead.objects.active().filter(user=lead).exists()
    assert_no_console_errors(page)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_ending_a_parents_link_passes_axe(personas, live_server, browser_page, viewport):
    page = signed_in_page(browser_page, live_server, personas.headteacher, viewport=viewport)
    url = reverse("person-detail", args=[personas.school.slug, personas.pupil.pk])
    page.goto(f"{live_server.url}{url}")
    checked(page, f"person-pupil-{viewport}")
    page.get_by_role("link", name="End this link between Pat Parent and Poppy Pupil").click()
    checked(page, f"parent-link-end-{viewport}")
    page.get_by_label("Why the link ends").fill("Court order")
    page.get_by_role("button", name="End the link").click()
    checked(page, f"person-pupil-link-ended-{viewport}")
    assert ParentLink.objects.get(child=personas.pupil).ended_reason == "Court order"
    assert_no_console_errors(page)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_closure_days_page_passes_axe(personas, live_server, browser_page, viewport):
    today = timezone.localdate()
    for days in (20, 40):
        ClosureDay.objects.create(
            school=personas.school, date=today + datetime.timedelta(days=days), reason="INSET"
        )
    page = signed_in_page(browser_page, live_server, personas.esafety_officer, viewport=viewport)
    page.goto(f"{live_server.url}{reverse('closure-days', args=[personas.school.slug])}")
    checked(page, f"closure-days-{viewport}")
    first = today + datetime.timedelta(days=20)
    page.get_by_role("button", name=f"Remove {first:%-d %b %Y}").click()
    checked(page, f"closure-days-removed-{viewport}")
    assert ClosureDay.objects.count() == 1
    assert_no_console_errors(page)
