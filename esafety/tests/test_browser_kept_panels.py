"""The home pages of everyone an incident touches, in Chromium, before and after each step:
kept panels (esafety.dashboard) must show every change on the next visit, and each person
sees what they need and nothing else (the parent nothing of another child's incident, the
trustee counts and never names)."""

import os
import re

import pytest
from playwright.sync_api import expect

from esafety.browser import checked, signed_in_page
from incidents.models import Incident, IncidentTag
from incidents.tests.test_browser_phone import pick

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]

WHAT_HAPPENED = "A pupil was sent unkind messages in a class group chat."


def home(page, live_server):
    page.goto(f"{live_server.url}/")
    return page


def panel(page, title):
    return page.locator("section.panel-card").filter(has_text=title)


def test_every_home_page_an_incident_touches_follows_it(personas, live_server, browser_page):
    IncidentTag.objects.get_or_create(school=None, slug="bullying", defaults={"name": "Bullying"})
    p = personas
    teacher = signed_in_page(browser_page, live_server, p.teacher, "phone")
    officer = signed_in_page(browser_page, live_server, p.esafety_officer)
    head = signed_in_page(browser_page, live_server, p.headteacher)
    trustee = signed_in_page(browser_page, live_server, p.trustee)
    parent = signed_in_page(browser_page, live_server, p.parent, "phone")
    # Every home page is visited first, so its kept panels are in the cache.
    for page in (teacher, officer, head, trustee, parent):
        home(page, live_server)
    expect(panel(trustee, "Incidents in the last 12 months")).to_contain_text(
        "No incidents recorded"
    )
    expect(head.get_by_text("Awaiting your sign-off")).to_have_count(0)

    # 1. The teacher reports an incident about a pupil.
    teacher.goto(f"{live_server.url}/incidents/new/")
    for question in (
        "Is a child at risk of harm now?",
        "Has an adult or an older child contacted a child?",
        "Is an image or video of a child involved?",
    ):
        teacher.get_by_role("group", name=question).get_by_label("No", exact=True).check()
    teacher.get_by_label("A pupil (their conduct or their safety)").check()
    teacher.get_by_label("Online only").check()
    teacher.get_by_label("What happened*").fill(WHAT_HAPPENED)
    pick(teacher, "Pupil or member of staff", "poppy", str(p.pupil))
    teacher.get_by_text("Kind of incident, risk area and category (optional)").click()
    teacher.get_by_label("Category").select_option("pupil_c")
    teacher.get_by_role("button", name="Submit the incident").click()
    expect(
        teacher.get_by_text(re.compile(r"Incident [A-Z]+-\d{4}-0001 was sent to"))
    ).to_be_visible()
    incident = Incident.objects.get()
    expect(panel(home(teacher, live_server), "Report an e-safety incident")).to_contain_text(
        "1 waiting to be acknowledged"
    )
    expect(panel(home(officer, live_server), "New incidents to acknowledge")).to_contain_text(
        incident.number
    )
    trust_counts = panel(home(trustee, live_server), "Incidents in the last 12 months")
    expect(trust_counts).to_contain_text(p.school.name)
    checked(trustee, "trustee-home-after-report")
    expect(trustee.get_by_text(str(p.pupil))).to_have_count(0)  # counts, never names
    # The pupil's parent sees their child on the home page, but not the staff's record.
    for page in (trustee, home(parent, live_server)):
        expect(page.get_by_text(WHAT_HAPPENED)).to_have_count(0)
        expect(page.get_by_text(incident.number)).to_have_count(0)

    # 2. The officer acknowledges it and gives the teacher an action.
    officer.goto(f"{live_server.url}/incidents/{incident.pk}/")
    officer.get_by_role("button", name="Acknowledge").click()
    officer.get_by_role("link", name="Add a note or an action").click()
    officer.get_by_label("What was done or decided").fill("Talk to the class about group chats")
    pick(officer, "Action for (leave blank for a note)", "terry", str(p.teacher))
    officer.get_by_label("Due by").fill("2026-12-04")
    officer.get_by_role("button", name="Add").click()
    expect(officer.get_by_text("Action added.")).to_be_visible()
    home(teacher, live_server)
    expect(panel(teacher, "Your actions")).to_contain_text("Talk to the class about group chats")
    expect(teacher.get_by_text("waiting to be acknowledged")).to_have_count(0)
    checked(teacher, "teacher-home-with-action")

    # 3. The review is recorded: the headteacher has it to sign off, then signs it off.
    officer.get_by_role("link", name="Record review").click()
    officer.get_by_label("Result of review").fill("Class talk done; no repeat.")
    officer.get_by_role("button", name="Save").click()
    expect(panel(home(head, live_server), "Awaiting your sign-off")).to_contain_text(
        incident.number
    )
    head.get_by_role("link", name=incident.number).first.click()
    head.get_by_role("link", name="Sign off").click()
    head.get_by_role("button", name="Sign off").click()
    expect(head.get_by_text("Signed off.")).to_be_visible()
    expect(home(head, live_server).get_by_text("Awaiting your sign-off")).to_have_count(0)
    checked(head, "head-home-after-sign-off")
