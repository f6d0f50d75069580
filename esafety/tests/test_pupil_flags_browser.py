"""The DSL sets a pupil's vulnerability flags and sees them on the queue, in a real
browser at desktop and phone widths; axe finds nothing. SCREENSHOT_DIR saves each page."""

import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esafety.tests.test_browser import check_page, sign_in
from incidents.models import Part, PersonKind
from incidents.tests.factories import report

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_dsl_flags_a_pupil(width, personas, live_server, browser_page):
    p = personas
    report(
        p.school,
        p.teacher,
        people=[{"person": p.pupil, "kind": PersonKind.PUPIL, "part": Part.TARGET}],
    )
    page = browser_page(width)
    problems = []
    sign_in(page, live_server, p.esafety_officer)
    page.goto(f"{live_server.url}{reverse('person-detail', args=[p.school.slug, p.pupil.pk])}")
    page.get_by_role("link", name="Vulnerability flags").click()
    check_page(page, f"flags-form-{width}", problems)
    page.get_by_label("SEND (special educational needs or disability)").check()
    page.get_by_label("Young carer").check()
    page.get_by_role("button", name="Save the flags").click()
    expect(page.get_by_text("The flags were saved.")).to_be_visible()
    check_page(page, f"flags-saved-{width}", problems)
    page.goto(f"{live_server.url}{reverse('incident-queue')}")
    expect(page.get_by_text("SEND").locator("visible=true").first).to_be_visible()
    check_page(page, f"flags-queue-{width}", problems)
    assert not problems, "\n".join(problems)
