"""In Chromium, on a phone (390 px) and a desktop: the lead is away today; a teacher opens
Safeguarding cover from the menu and is told to go to the deputy; the deputy records that
she will be away next week, and sees it listed. axe checks every page. With
SCREENSHOT_DIR set, each page is saved there."""

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from esafety.browser import assert_no_console_errors, checked, signed_in_page
from esafety.models import Role
from esafety.testing import person
from incidents import cover
from incidents.models_cover import Absence

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_teacher_finds_who_to_tell_and_a_deputy_records_an_absence(
    personas, live_server, browser_page, viewport
):
    p = personas
    deputy = person(p.school, Role.ESAFETY_OFFICER, name="Dana Deputy")
    today = timezone.localdate()
    cover.record_absence(
        school=p.school,
        person=p.esafety_officer,
        away_from=today,
        away_to=today + datetime.timedelta(days=2),
        note="Safeguarding refresher course",
        by=p.esafety_officer,
    )
    teacher = signed_in_page(browser_page, live_server, p.teacher, viewport)
    teacher.goto(f"{live_server.url}/schools/{p.school.slug}/safeguarding-cover/")
    expect(teacher.get_by_role("note")).to_contain_text("tell Dana Deputy straight away")
    expect(teacher.get_by_role("note")).to_contain_text("covering: Dana Deputy")
    checked(teacher, f"{viewport}-cover-teacher")
    assert_no_console_errors(teacher)

    page = signed_in_page(browser_page, live_server, deputy, viewport)
    page.goto(f"{live_server.url}/schools/{p.school.slug}/safeguarding-cover/")
    checked(page, f"{viewport}-cover-deputy")
    page.get_by_role("link", name="Record an absence").click()
    checked(page, f"{viewport}-cover-absence-form")
    expect(page.get_by_label("Who is away")).to_have_value(str(deputy.pk))
    next_week = today + datetime.timedelta(days=7)
    page.get_by_label("Away from").fill(next_week.isoformat())
    page.get_by_label("Last day away").fill(next_week.isoformat())
    page.get_by_label("Note (optional)").fill("Year 6 residential trip")
    page.get_by_role("button", name="Record the absence").click()
    expect(page.get_by_text("Recorded: Dana Deputy away")).to_be_visible()
    expect(page.get_by_text("Year 6 residential trip")).to_be_visible()
    checked(page, f"{viewport}-cover-after")
    assert Absence.objects.filter(person=deputy, recorded_by=deputy).count() == 1
