"""In Chromium at phone size, the officer finds a pupil's chronology and records a
sanction with the people picker (keyboard only); on a desktop, adds a closure day. axe
checks every page."""

import os
import re

import pytest
from playwright.sync_api import expect

from esafety.browser import checked
from esafety.models import ClosureDay
from incidents import services
from incidents.models import Part
from incidents.tests.factories import report
from incidents.tests.test_browser_flow import signed_in
from incidents.tests.test_browser_phone import pick

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


def test_chronology_and_sanction_with_the_picker_and_a_closure_day(
    personas, live_server, browser_page
):
    entry = {"person": personas.pupil, "name": "", "kind": "pupil", "part": Part.TARGET}
    incident = report(personas.school, personas.teacher, people=[entry], category="pupil_b")
    services.acknowledge(incident=incident, by=personas.esafety_officer)

    page = signed_in(browser_page, live_server, personas.esafety_officer, "phone")
    page.goto(f"{live_server.url}/incidents/queue/")
    page.get_by_role("link", name="A pupil's chronology").click()
    checked(page, "phone-chronology-find")
    pick(page, "Pupil", "pop", "Poppy Pupil")
    page.get_by_role("button", name="Show their chronology").click()
    expect(page.get_by_role("heading", name="Chronology: Poppy Pupil")).to_be_visible()
    checked(page, "phone-chronology")

    page.goto(f"{live_server.url}/incidents/{incident.pk}/sanction/")
    page.get_by_label("Sanction*", exact=True).fill("Loss of break time")
    pick(page, "Applied to", "pop", "Poppy Pupil")
    checked(page, "phone-sanction")
    page.get_by_role("button", name=re.compile("Record|Save|Add")).click()
    expect(page.get_by_text("Sanction recorded.")).to_be_visible()
    assert incident.sanctions.get().person.person == personas.pupil

    desk = signed_in(browser_page, live_server, personas.esafety_officer)
    desk.goto(f"{live_server.url}/schools/{personas.school.slug}/settings/closure-days/")
    desk.get_by_label("Date the school is closed*").fill("2026-12-14")
    desk.get_by_label("Reason").fill("INSET day")
    desk.get_by_role("button", name="Add closure day").click()
    expect(desk.get_by_text("Monday 14 December 2026 – INSET day")).to_be_visible()
    checked(desk, "desktop-closure-days")
    assert ClosureDay.objects.get().reason == "INSET day"
