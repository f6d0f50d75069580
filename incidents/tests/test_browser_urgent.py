"""In Chromium, on a phone (390 px) and a desktop: a teacher reports an older boy asking a
9-year-old to move to a private app and send a photo, answering the form's first
questions; it reaches the officer's queue at the top, marked urgent with the reasons in
words, on both screens. axe checks every page."""

import os
import re

import pytest
from playwright.sync_api import expect

from esafety.browser import assert_no_console_errors, checked, signed_in_page
from incidents.models import Incident
from incidents.tests.factories import report

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]

REASONS = (
    "a child may be at risk of harm now; contact from an adult or an older child; "
    "an image of a child is involved"
)


def answer(page, question, choice):
    page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_photo_request_is_logged_and_queued_first_as_urgent(
    personas, live_server, browser_page, viewport
):
    calm = report(personas.school, personas.teacher, category="pupil_a")
    teacher = signed_in_page(browser_page, live_server, personas.teacher, viewport)
    teacher.goto(f"{live_server.url}/incidents/new/")
    checked(teacher, f"{viewport}-log-form")
    answer(teacher, "Is a child at risk of harm now?", "Not sure")
    answer(teacher, "Has an adult or an older child contacted a child?", "Yes")
    answer(teacher, "Is an image or video of a child involved?", "Yes")
    teacher.get_by_label("A pupil (their conduct or their safety)").check()
    teacher.get_by_label("What happened*").fill(
        "An older boy on a game's chat asked a 9-year-old to move to a private app and "
        "send a photo."
    )
    teacher.get_by_label("Online only").check()
    teacher.get_by_role("button", name="Submit the incident").click()
    expect(
        teacher.get_by_text(re.compile(r"Incident [A-Z]+-\d{4}-0002 was sent to"))
    ).to_be_visible()
    incident = Incident.objects.get(number__endswith="0002")
    assert incident.category == ""
    teacher.goto(f"{live_server.url}/incidents/mine/")
    expect(teacher.get_by_role("link", name=incident.reference)).to_be_visible()
    checked(teacher, f"{viewport}-my-incidents")

    officer = signed_in_page(browser_page, live_server, personas.esafety_officer, viewport)
    officer.goto(f"{live_server.url}/incidents/queue/")
    checked(officer, f"{viewport}-queue")
    shown = officer.locator("table" if viewport == "desktop" else ".d-md-none li.card")
    first = shown.locator("tbody tr").first if viewport == "desktop" else shown.first
    expect(first).to_contain_text(incident.reference)
    expect(first).to_contain_text("Urgent")
    expect(first).to_contain_text(REASONS)
    expect(officer.get_by_role("link", name=calm.reference).first).to_be_visible()
    officer.get_by_role("link", name=incident.reference).first.click()
    expect(officer.get_by_text(f"Urgent: {REASONS}.")).to_be_visible()
    checked(officer, f"{viewport}-urgent-incident")
    for page in (teacher, officer):
        assert_no_console_errors(page)
