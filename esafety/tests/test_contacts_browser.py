"""In Chromium, at desktop and phone widths: the e-safety officer fills in the school's
LADO from the directory, a teacher reads it and sees it on the log-incident page's panel,
and the chair reads the trust's list; axe finds nothing on any of the pages.

SCREENSHOT_DIR=/some/folder saves a screenshot of each page."""

import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esafety.browser import assert_no_console_errors, checked, signed_in_page
from esafety.models_contacts import ContactKind, LocalContact

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_officer_fills_in_the_lado_and_staff_see_it(width, personas, live_server, browser_page):
    LocalContact.objects.create(
        trust=personas.school.trust,
        kind=ContactKind.MASH,
        name="Eastbridge Children's Services front door",
        phone="01632 960420",
        hours="Monday to Friday, 8:30am to 5pm; out of hours 01632 960499",
    )
    directory = f"{live_server.url}{reverse('local-contacts', args=[personas.school.slug])}"
    page = signed_in_page(browser_page, live_server, personas.esafety_officer, viewport=width)
    page.goto(directory)
    checked(page, f"contacts-directory-officer-{width}")
    page.get_by_role("link", name="Fill in LADO").click()
    checked(page, f"contacts-add-lado-{width}")
    page.get_by_label("Name or organisation").fill("Eastbridge Council LADO service")
    page.get_by_label("Phone number").fill("01632 960410")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Eastbridge Council LADO service was added.")).to_be_visible()
    checked(page, f"contacts-directory-filled-{width}")
    assert_no_console_errors(page)

    teacher = signed_in_page(browser_page, live_server, personas.teacher, viewport=width)
    teacher.goto(f"{live_server.url}{reverse('incident-create')}")
    panel = teacher.get_by_role("complementary", name="Who to call")
    expect(panel.get_by_role("link", name="01632 960410")).to_be_visible()
    checked(teacher, f"contacts-panel-log-incident-{width}")
    panel.get_by_role("link", name="All local contacts for Oakwood Primary").click()
    checked(teacher, f"contacts-directory-teacher-{width}")
    assert_no_console_errors(teacher)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_chair_reads_the_trusts_list(width, personas, live_server, browser_page):
    page = signed_in_page(browser_page, live_server, personas.chair, viewport=width)
    page.goto(f"{live_server.url}{reverse('trust-contacts')}")
    checked(page, f"contacts-trust-{width}")
    assert_no_console_errors(page)
