"""The e-safety officer passes a child's file to a school of the trust: chooses the
records, decides on the other child's name flagged in them, sends it; the new school's
lead confirms receipt with one click. In a real browser at desktop and phone widths;
axe finds nothing. SCREENSHOT_DIR=/some/folder saves a screenshot of each page."""

import datetime
import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esafety.models import Role, SchoolHoliday
from esafety.testing import person
from esafety.tests.test_browser import check_page, sign_in
from incidents import transfers
from incidents.models import FileTransfer, Part, PersonKind
from incidents.models_transfers import TransferStatus
from incidents.tests.factories import report

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_file_sent_in_the_trust_and_received(width, personas, live_server, browser_page):
    p = personas
    person(p.school, Role.PUPIL, name="Milo Marsh")
    entry = {"person": p.pupil, "name": "", "kind": PersonKind.PUPIL, "part": Part.TARGET}
    report(p.school, p.teacher, people=[entry], description="Milo Marsh sent a cruel message.")
    SchoolHoliday.objects.create(
        school=p.school,
        name="Christmas holiday",
        starts_on=datetime.date(2026, 12, 21),
        ends_on=datetime.date(2027, 1, 1),
    )
    transfers.open_transfer(
        school=p.school,
        pupil=p.pupil,
        last_day=datetime.date(2026, 12, 18),
        destination="Elmridge Primary",
    )
    receiver = person(p.other_school, Role.ESAFETY_OFFICER, name="Rhea Receiver")
    page = browser_page(width)
    problems = []
    sign_in(page, live_server, p.esafety_officer)
    page.goto(f"{live_server.url}{reverse('transfer-list', args=[p.school.slug])}")
    check_page(page, f"transfer-list-{width}", problems)
    page.get_by_role("link", name="Poppy Pupil").first.click()
    expect(page.get_by_text("Christmas holiday skipped")).to_be_visible()
    check_page(page, f"transfer-detail-new-{width}", problems)

    page.get_by_role("link", name="Choose the records for the file").click()
    check_page(page, f"transfer-choose-{width}", problems)
    page.get_by_role("button", name="Save the records").click()
    expect(page.get_by_text("1 still to decide")).to_be_visible()
    check_page(page, f"transfer-detail-flagged-{width}", problems)
    page.get_by_label("Replace it in the file").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Replaced with [Child A]")).to_be_visible()

    page.get_by_role("link", name="Send it to Elmridge Primary").click()
    check_page(page, f"transfer-send-{width}", problems)
    page.get_by_role("button", name="Send the file").click()
    expect(page.get_by_text("Waiting for Elmridge Primary to confirm receipt")).to_be_visible()
    check_page(page, f"transfer-detail-sent-{width}", problems)

    page.context.clear_cookies()
    sign_in(page, live_server, receiver)
    page.goto(f"{live_server.url}{reverse('transfer-list', args=[p.other_school.slug])}")
    page.get_by_role("link", name="Poppy Pupil").click()
    check_page(page, f"transfer-incoming-{width}", problems)
    page.get_by_role("button", name="Confirm we have received it").click()
    expect(page.get_by_text("Receipt confirmed.")).to_be_visible()
    assert FileTransfer.objects.get().status == TransferStatus.RECEIVED
    assert not problems, problems


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_holidays_recorded_beside_closure_days(width, personas, live_server, browser_page):
    p = personas
    page = browser_page(width)
    problems = []
    sign_in(page, live_server, p.headteacher)
    page.goto(f"{live_server.url}{reverse('closure-days', args=[p.school.slug])}")
    page.get_by_label("Name").fill("Spring half term")
    page.get_by_label("First day of the holiday").fill("2027-02-15")
    page.get_by_label("Last day of the holiday").fill("2027-02-12")
    page.get_by_role("button", name="Add holiday").click()
    expect(page.get_by_text("can't be before the first").first).to_be_visible()
    check_page(page, f"holidays-error-{width}", problems, status=400)
    page.get_by_label("Last day of the holiday").fill("2027-02-19")
    page.get_by_role("button", name="Add holiday").click()
    expect(page.get_by_text("Spring half term, 15 Feb to 19 Feb 2027 was added.")).to_be_visible()
    check_page(page, f"holidays-{width}", problems)
    assert SchoolHoliday.objects.filter(school=p.school).count() == 1
    assert not problems, problems
