"""The incident's journey in Chromium: a teacher logs a category C incident about a pupil,
the e-safety officer acknowledges it from the queue and adds an action, the headteacher
signs it off and downloads the PDF. axe checks every page on the way."""

import io
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from esafety.browser import checked, signed_in_page
from incidents.models import Incident, IncidentTag, Status
from incidents.tests.test_browser_phone import pick

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


def signed_in(browser_page, live_server, user, viewport="desktop"):
    page = signed_in_page(browser_page, live_server, user, viewport)
    expect(page).to_have_url(f"{live_server.url}/")
    return page


def test_incident_from_report_to_signed_pdf(personas, live_server, browser_page):
    # Transactional tests empty every table between tests, data migrations included.
    IncidentTag.objects.get_or_create(school=None, slug="bullying", defaults={"name": "Bullying"})
    # 1. A teacher logs a category C incident about a pupil, on a phone.
    teacher = signed_in(browser_page, live_server, personas.teacher, "phone")
    teacher.goto(f"{live_server.url}/incidents/new/")
    checked(teacher, "incident-log-phone")
    for question in (
        "Is a child at risk of harm now?",
        "Has an adult or an older child contacted a child?",
        "Is an image or video of a child involved?",
    ):
        teacher.get_by_role("group", name=question).get_by_label("No", exact=True).check()
    teacher.get_by_label("A pupil (their conduct or their safety)").check()
    teacher.get_by_label("Online only").check()
    teacher.get_by_label("What happened*").fill(
        "A pupil was sent unkind messages in a class group chat."
    )
    pick(teacher, "Pupil or member of staff", "poppy", str(personas.pupil))
    teacher.get_by_text("Kind of incident, risk area and category (optional)").click()
    teacher.get_by_label("Bullying").check()
    teacher.get_by_label("Category").select_option("pupil_c")
    teacher.get_by_role("button", name="Submit the incident").click()
    expect(
        teacher.get_by_text(re.compile(r"Incident [A-Z]+-\d{4}-0001 was sent to Eddie Officer"))
    ).to_be_visible()
    checked(teacher, "incident-detail-teacher-phone")
    incident = Incident.objects.get()
    assert incident.status == Status.REPORTED and incident.category == "pupil_c"

    # 2. The e-safety officer sees it at the top of the queue and acknowledges it.
    officer = signed_in(browser_page, live_server, personas.esafety_officer)
    expect(officer.get_by_text("New incidents to acknowledge")).to_be_visible()
    officer.goto(f"{live_server.url}/incidents/queue/")
    checked(officer, "incident-queue")
    officer.get_by_role("link", name=incident.reference).click()
    officer.get_by_role("button", name="Acknowledge").click()
    expect(officer.get_by_text("Acknowledged. The person who reported it")).to_be_visible()

    # 3. ... and adds an action for the teacher.
    officer.get_by_role("link", name="Add a note or an action").click()
    checked(officer, "incident-add-action")
    officer.get_by_label("What was done or decided").fill("Talk to the class about group chats")
    pick(officer, "Action for (leave blank for a note)", "terry", str(personas.teacher))
    officer.get_by_label("Due by").fill("2026-12-04")
    officer.get_by_role("button", name="Add").click()
    expect(officer.get_by_text("Action added.")).to_be_visible()
    officer.get_by_role("link", name="Record review").click()
    officer.get_by_label("Result of review").fill("Class talk done; no repeat.")
    officer.get_by_role("button", name="Save").click()
    checked(officer, "incident-detail-officer")

    # 4. The headteacher signs it off and downloads the PDF.
    head = signed_in(browser_page, live_server, personas.headteacher)
    expect(head.get_by_text("Awaiting your sign-off")).to_be_visible()
    head.get_by_role("link", name=incident.reference).first.click()
    head.get_by_role("link", name="Sign off").click()
    checked(head, "incident-sign-off")
    head.get_by_role("button", name="Sign off").click()
    expect(head.get_by_text("Signed off.")).to_be_visible()
    checked(head, "incident-detail-signed")
    with head.expect_download() as download_info:
        head.get_by_role("link", name="Download PDF").click()
    pdf = download_info.value
    pages = PdfReader(io.BytesIO(Path(pdf.path()).read_bytes())).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert incident.reference in text
    assert "Signed electronically by Hana Head" in text
    assert "Talk to the class about group chats" in text
    incident.refresh_from_db()
    assert incident.headteacher_signed_by == personas.headteacher
