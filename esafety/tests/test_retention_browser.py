"""The e-safety officer reviews what reached its date, holds one pupil's records, approves
the rest for destruction, reads the tombstones, lengthens a period and lifts the hold, in
a real browser at desktop and phone widths; axe finds nothing.

SCREENSHOT_DIR=/some/folder saves a screenshot of each page."""

import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esafety.models_retention import Tombstone
from esafety.testing import person
from esafety.tests.permissions_retention import due_training_record
from esafety.tests.test_browser import check_page, sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_officer_reviews_holds_and_destroys(width, personas, live_server, browser_page):
    p = personas
    kept = person(p.school, "staff", name="Hattie Heldrecord")
    due_training_record(p, title="Safeguarding induction")
    due_training_record(p, person=kept, title="Prevent duty")
    page = browser_page(width)
    problems = []
    sign_in(page, live_server, p.esafety_officer)
    page.goto(f"{live_server.url}{reverse('retention-review', args=[p.school.slug])}")
    check_page(page, f"retention-review-{width}", problems)

    page.get_by_role("link", name="Legal holds").click()
    page.get_by_label("Everything about this person").select_option(label="Hattie Heldrecord")
    page.get_by_label("Why the records must be kept").fill("Employment tribunal claim")
    page.get_by_role("button", name="Place the hold").click()
    expect(page.get_by_text("The hold is placed")).to_be_visible()
    check_page(page, f"retention-holds-{width}", problems)

    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.get_by_text("Employment tribunal claim")).to_be_visible()
    check_page(page, f"retention-review-held-{width}", problems)
    page.get_by_label("Safeguarding induction: Terry Teacher").check()
    page.get_by_role("button", name="Approve destruction of the ticked records").click()
    expect(page.get_by_text("1 record destroyed (batch")).to_be_visible()
    check_page(page, f"retention-tombstones-{width}", problems)
    assert Tombstone.objects.count() == 1

    page.get_by_role("link", name="The school's schedule").click()
    check_page(page, f"retention-schedule-{width}", problems)
    page.get_by_role("link", name="Change the period for Training records").click()
    page.get_by_label("Keep for (years)").fill("3")
    page.get_by_label("Why the school keeps them this long").fill("Shorter")
    page.get_by_role("button", name="Save the school's period").click()
    expect(page.get_by_text("minimum of 6 years").first).to_be_visible()
    check_page(page, f"retention-lengthen-errors-{width}", problems, status=400)
    page.get_by_label("Keep for (years)").fill("8")
    page.get_by_label("Why the school keeps them this long").fill("The trust's policy")
    page.get_by_role("button", name="Save the school's period").click()
    expect(page.get_by_text("kept for 8 years")).to_be_visible()

    page.goto(f"{live_server.url}{reverse('retention-holds', args=[p.school.slug])}")
    page.get_by_role("link", name="Lift this hold").click()
    check_page(page, f"retention-lift-{width}", problems)
    page.get_by_label("Why it can be lifted").fill("The claim was withdrawn on 2 March")
    page.get_by_role("button", name="Lift the hold").click()
    expect(page.get_by_text("The hold is lifted")).to_be_visible()
    assert not problems, "\n".join(problems)
