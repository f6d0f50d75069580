"""The e-safety officer records a parent's subject access request, checks identity,
searches everything about the child, withholds one record with a reason and marks the
answer sent, in a real browser at desktop and phone widths; axe finds nothing.

SCREENSHOT_DIR=/some/folder saves a screenshot of each page."""

import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esafety.models_subject_access import SarStatus, SubjectAccessRequest
from esafety.tests.test_browser import check_page, sign_in
from incidents.models import Part, PersonKind
from incidents.tests.factories import report

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_officer_answers_a_parents_request(width, personas, live_server, browser_page):
    p = personas
    entry = {"person": p.pupil, "name": "", "kind": PersonKind.PUPIL, "part": Part.TARGET}
    report(p.school, p.teacher, people=[entry], description="An unkind message.")
    second = report(p.school, p.teacher, people=[entry], description="A rumour about a friend.")
    page = browser_page(width)
    problems = []
    sign_in(page, live_server, p.esafety_officer)
    page.goto(f"{live_server.url}{reverse('sar-list', args=[p.school.slug])}")
    check_page(page, f"sar-list-empty-{width}", problems)
    page.get_by_role("link", name="Record a request").click()
    check_page(page, f"sar-add-{width}", problems)

    page.get_by_label("A parent or carer, about their child").check()
    page.get_by_label("Who the request is about").select_option(label="Poppy Pupil")
    page.get_by_label("Name of the person who asked").fill("Pat Parent")
    page.get_by_label("How to reach them").fill("pat@example.org")
    page.get_by_label("Date it came").fill("2030-01-01")
    page.get_by_label("Email").check()
    page.get_by_role("button", name="Add to the register").click()
    expect(page.get_by_text("can't be in the future").first).to_be_visible()
    check_page(page, f"sar-add-errors-{width}", problems, status=400)

    page.get_by_label("Date it came").fill("2026-12-01")
    page.get_by_label("why the parent may ask for the child").fill("Poppy is 8.")
    page.get_by_role("button", name="Add to the register").click()
    expect(page.get_by_text("is in the register")).to_be_visible()
    check_page(page, f"sar-detail-new-{width}", problems)
    sar = SubjectAccessRequest.objects.get()
    # 1 January is New Year's Day, then a weekend: Monday 4 January.
    assert sar.due_on.isoformat() == "2027-01-04"

    page.get_by_role("link", name="Record the identity check").click()
    check_page(page, f"sar-identity-{width}", problems)
    page.get_by_label("How you checked who they are").fill("Known to the office; asked in person")
    page.get_by_role("button", name="Record the identity check").click()
    expect(page.get_by_text("The identity check is recorded.")).to_be_visible()

    page.get_by_role("link", name="Search everything about").click()
    check_page(page, f"sar-search-{width}", problems)
    expect(page.get_by_text("An unkind message.")).to_have_count(0)  # titles, not contents
    withhold = page.get_by_role("listitem").filter(has_text=second.reference)
    withhold.get_by_label("Withhold this record").check()
    page.get_by_role("button", name="Record the search and decisions").click()
    expect(page.get_by_text("Say why each withheld record is withheld")).to_be_visible()
    check_page(page, f"sar-search-errors-{width}", problems, status=400)
    withhold = page.get_by_role("listitem").filter(has_text=second.reference)
    withhold.get_by_label("If withheld, why").fill("Mostly about another pupil")
    page.get_by_role("button", name="Record the search and decisions").click()
    expect(page.get_by_text("The search and your decisions are recorded.")).to_be_visible()
    check_page(page, f"sar-detail-searched-{width}", problems)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the records to disclose (PDF)").click()
    assert download.value.suggested_filename == f"subject-access-{sar.reference}.pdf"

    page.get_by_role("link", name="Mark the answer as sent").click()
    check_page(page, f"sar-sent-{width}", problems)
    page.get_by_label("How it was sent").fill("Secure email")
    page.get_by_role("button", name="Mark as sent").click()
    expect(page.get_by_text("The request is marked as answered.")).to_be_visible()
    page.goto(f"{live_server.url}{reverse('sar-list', args=[p.school.slug])}")
    check_page(page, f"sar-list-answered-{width}", problems)
    sar.refresh_from_db()
    assert sar.status == SarStatus.SENT
    assert not problems, "\n".join(problems)
