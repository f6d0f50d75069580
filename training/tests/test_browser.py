"""Chromium: the officer records a staff-room session for 20 people on a tablet and the
matrix turns green for them; a teacher records a lesson on a phone; a trustee sees the
percentages. axe checks every page visited."""

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from esafety.browser import checked, signed_in_page
from esafety.models import Role
from esafety.testing import person
from training import services
from training.models import Requirement
from training.standard import install_standard_requirements
from training.tests.factories import requirement

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]

TABLET = {"width": 820, "height": 1180}


def test_staff_room_session_on_a_tablet_turns_the_matrix_green(personas, live_server, browser_page):
    p = personas
    req = requirement(p.school, title="Safeguarding update", audience_roles=["staff"])
    for n in range(19):
        person(p.school, Role.STAFF, name=f"Staff Member {n:02d}")
    page = signed_in_page(browser_page, live_server, p.esafety_officer, viewport=TABLET)
    page.goto(f"{live_server.url}/schools/{p.school.slug}/training/")
    expect(page.locator("td.cell-done")).to_have_count(0)
    checked(page, "training-matrix-tablet")
    page.goto(f"{live_server.url}/schools/{p.school.slug}/training/session/")
    checked(page, "training-session-tablet")
    page.locator("#id_requirement").select_option(label=req.title)
    # Everyone was there but the leads, the technician and the trustees.
    page.get_by_role("button", name="Tick everyone", exact=True).click()
    expect(page.get_by_text("25 people ticked")).to_be_visible()
    away = [p.headteacher, p.esafety_officer, p.technician, p.trustee, p.chair]
    for member in away:
        page.get_by_label(member.full_name).uncheck()
    expect(page.get_by_text("20 people ticked")).to_be_visible()
    page.get_by_role("button", name="Record the session").click()
    expect(page.get_by_text("Recorded Safeguarding update for 20 people.")).to_be_visible()
    expect(page.locator("td.cell-done")).to_have_count(20)
    checked(page, "training-matrix-after-tablet")
    desktop = signed_in_page(browser_page, live_server, p.esafety_officer)
    for path in (
        "",
        "requirements/",
        f"requirements/{req.pk}/",
        "to-check/",
        "parents/",
        "curriculum/",
    ):
        desktop.goto(f"{live_server.url}/schools/{p.school.slug}/training/{path}")
        checked(desktop, f"training-{path.split('/')[0] or 'matrix'}-desktop")


def test_a_teacher_records_a_lesson_on_a_phone(personas, live_server, browser_page):
    p = personas
    requirement(p.school, title="Prevent awareness", audience_roles=["staff"], induction_days=30)
    page = signed_in_page(browser_page, live_server, p.teacher, viewport="phone")
    page.goto(f"{live_server.url}/training/")
    checked(page, "training-mine-phone")
    page.goto(f"{live_server.url}/training/lessons/")
    checked(page, "training-lessons-phone")
    page.locator("#id_year_group").select_option(label="Year 5")
    page.locator("#id_class_name").fill("5B")
    page.locator("#id_strand").select_option(label="Privacy and security")
    page.locator("#id_topic").fill("Strong passwords")
    page.get_by_role("button", name="Record the lesson").click()
    expect(page.get_by_text("Recorded: Strong passwords.")).to_be_visible()
    expect(page.locator("#id_class_name")).to_have_value("5B")
    checked(page, "training-lessons-after-phone")
    page.goto(f"{live_server.url}/training/ask/")
    checked(page, "training-ask-phone")
    page.goto(f"{live_server.url}/training/record/")
    checked(page, "training-record-phone")


def test_a_trustee_sees_the_percentages(personas, live_server, browser_page):
    p = personas
    requirement(p.school, title="Cyber security awareness", audience_roles=["staff", "trustee"])
    for viewport in ("desktop", "phone"):
        page = signed_in_page(browser_page, live_server, p.trustee, viewport=viewport)
        page.goto(f"{live_server.url}/training/figures/")
        expect(page.get_by_role("row", name="Cyber security awareness 0%").first).to_be_visible()
        expect(page.get_by_text("Terry Teacher")).to_have_count(0)
        checked(page, f"training-figures-{viewport}")


GREEN = "rgb(209, 231, 221)"


def test_the_matrix_reads_on_a_phone_with_the_standard_set(personas, live_server, browser_page):
    """The standard set (8 requirements) for 30 people: on a phone the names and headers
    stay put while the cells scroll, two requirements fit beside the names, and a done
    cell is painted green (the status is in words too)."""
    p = personas
    install_standard_requirements(p.school, by=p.headteacher)
    staff = [person(p.school, Role.STAFF, name=f"Staff Member {n:02d}") for n in range(26)]
    first = Requirement.objects.get(school=p.school, code="staff-safeguarding")
    services.record_session(
        school=p.school,
        requirement=first,
        people=[s.pk for s in staff[:20]],
        completed_on=timezone.localdate() - datetime.timedelta(days=20),
        by=p.esafety_officer,
    )
    url = f"{live_server.url}/schools/{p.school.slug}/training/"
    for viewport in ("desktop", "phone"):
        page = signed_in_page(browser_page, live_server, p.esafety_officer, viewport=viewport)
        page.goto(url)
        done = page.locator("td.cell-done").first
        expect(done).to_contain_text("Done")
        assert done.evaluate("td => getComputedStyle(td).backgroundColor") == GREEN
        checked(page, f"training-matrix-standard-{viewport}")
    width = page.viewport_size["width"]
    headers = page.locator(".matrix thead th")
    assert headers.nth(2).bounding_box()["x"] < width  # names and two requirements
    name = page.get_by_role("rowheader", name="Staff Member 00")
    left = name.bounding_box()["x"]
    page.locator(".matrix-wrap").evaluate("wrap => { wrap.scrollLeft = 600; }")
    assert name.bounding_box()["x"] == left  # the names stay put
    assert headers.nth(1).bounding_box()["x"] < left + name.bounding_box()["width"]
