"""Devices in Chromium, with axe on every page visited:
- the technician lends a laptop to a pupil, the parent signs the loan agreement on a
  phone, the laptop is handed over, then returned and reset;
- a teacher confiscates a phone (on a phone) and the office releases it to a parent;
- the headteacher records an ICO decision on a breach."""

import os
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from devices.models import Breach, Confiscation, Loan, Status
from devices.tests import factories
from esafety.browser import checked, signed_in_page
from esafety.models import Role, StaffType
from esafety.testing import person
from incidents.models import IncidentTag

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


def pick(page, label, typed, name):
    """The people picker, as a keyboard user: type, arrow down to the match, Enter."""
    box = page.get_by_role("combobox", name=label)
    # htmx binds the box's triggers when the page has loaded: typed before that, nothing
    # would be searched (a person's next key would; a test types only once).
    page.wait_for_load_state("load")
    box.fill(typed)
    expect(page.get_by_role("option", name=re.compile(name))).to_be_visible()
    box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_value(name)


def signed_in(browser_page, live_server, user, viewport="desktop"):
    page = signed_in_page(browser_page, live_server, user, viewport)
    expect(page).to_have_url(f"{live_server.url}/")
    return page


def test_a_laptop_lent_to_a_pupil_signed_for_by_a_parent_then_returned(
    personas, live_server, browser_page
):
    factories.publish_loan_agreements(personas)
    laptop = factories.device(personas.school, asset_tag="LAP-0042")
    factories.device(personas.school, asset_tag="LAP-0043", encryption="password")
    slug = personas.school.slug

    tech = signed_in(browser_page, live_server, personas.technician)
    checked(tech, "devices-home-technician")
    for name, path in (
        ("devices-inventory", f"/schools/{slug}/devices/"),
        ("devices-non-compliant", f"/schools/{slug}/devices/non-compliant/"),
        ("devices-check", f"/schools/{slug}/devices/check/"),
        ("devices-import", f"/schools/{slug}/devices/import/"),
        ("devices-software", f"/schools/{slug}/software/"),
        ("devices-disposals", f"/schools/{slug}/disposals/"),
        ("devices-disposal-add", f"/schools/{slug}/disposals/add/"),
        ("devices-device-detail", f"/devices/{laptop.pk}/"),
    ):
        tech.goto(live_server.url + path)
        checked(tech, name)
    tech.goto(f"{live_server.url}/schools/{slug}/loans/")
    checked(tech, "devices-loans")
    tech.get_by_role("link", name="Lend a device").click()
    checked(tech, "devices-lend")
    tech.get_by_label("Device").select_option(label=str(laptop))
    pick(tech, "Borrower", "Poppy", str(personas.pupil))
    tech.get_by_label("Purpose").fill("Home learning")
    tech.get_by_role("button", name="Lend and ask for the agreement to be signed").click()
    expect(tech.get_by_text("A parent or carer has been asked to sign")).to_be_visible()
    checked(tech, "devices-loan-waiting")
    tech.get_by_role("button", name="Hand over").click()
    expect(tech.get_by_text("The loan agreement is not signed yet")).to_be_visible()

    parent = signed_in(browser_page, live_server, personas.parent, "phone")
    expect(parent.get_by_text("Devices lent to you or your child")).to_be_visible()
    checked(parent, "devices-home-parent-phone")
    parent.goto(f"{live_server.url}/agreements/to-sign/")
    parent.get_by_role(
        "link", name="Read and sign Device loan agreement (home learning) for Poppy Pupil"
    ).click()
    checked(parent, "devices-loan-sign-phone")
    parent.get_by_label("Type your full name to sign").fill("Pat Parent")
    parent.get_by_role("button", name="Sign for Poppy Pupil").click()
    expect(parent.get_by_text("Signed: Device loan agreement (home learning).")).to_be_visible()
    loan = Loan.objects.get()
    parent.goto(f"{live_server.url}/loans/{loan.pk}/")
    checked(parent, "devices-loan-parent-phone")

    tech.reload()
    tech.get_by_role("button", name="Hand over").click()
    expect(tech.get_by_text("LAP-0042 was handed over to Poppy Pupil.")).to_be_visible()
    tech.get_by_role("link", name="Record the return").click()
    checked(tech, "devices-loan-return")
    tech.get_by_label("Condition it came back in").select_option("good")
    tech.get_by_label("Charger and accessories back").check()
    tech.get_by_label("PIN and IDs left, or the borrower's accounts signed out").check()
    tech.get_by_label("Factory reset done").check()
    tech.get_by_role("button", name="Record the return").click()
    expect(tech.get_by_text("LAP-0042 is back and in store.")).to_be_visible()
    checked(tech, "devices-loan-returned")
    loan.refresh_from_db()
    assert loan.factory_reset and loan.return_checked_by == personas.technician
    assert loan.device.status == Status.IN_STORE


def test_a_teacher_confiscates_a_phone_and_the_office_releases_it(
    personas, live_server, browser_page
):
    office = person(personas.school, Role.STAFF, name="Olive Office", staff_type=StaffType.OFFICE)
    slug = personas.school.slug
    teacher = signed_in(browser_page, live_server, personas.teacher, "phone")
    teacher.get_by_role("link", name="Confiscate a device").click()
    checked(teacher, "devices-confiscate-phone")
    pick(teacher, "Pupil", "Poppy", str(personas.pupil))
    teacher.get_by_label("The device").fill("Black phone in a blue case")
    teacher.get_by_label("Reason").fill("Used in a lesson after a warning")
    teacher.get_by_role("button", name="Record the confiscation").click()
    expect(teacher.get_by_text("Take the device to the office")).to_be_visible()
    checked(teacher, "devices-confiscation-teacher-phone")
    teacher.goto(f"{live_server.url}/schools/{slug}/searches/add/")
    checked(teacher, "devices-search-form-phone")

    desk = signed_in(browser_page, live_server, office)
    expect(desk.get_by_text("Confiscated devices held")).to_be_visible()
    desk.get_by_role("link", name="1 device held").click()
    checked(desk, "devices-held")
    desk.get_by_role("link", name="Poppy Pupil").click()
    desk.get_by_role("link", name="Parents told").click()
    desk.get_by_role("button", name="Save").click()
    desk.get_by_role("link", name="Release to a parent").click()
    checked(desk, "devices-release")
    desk.get_by_label("Given to").fill("Pat Parent")
    desk.get_by_role("button", name="Release the device").click()
    expect(desk.get_by_text("The device was released.")).to_be_visible()
    checked(desk, "devices-confiscation-released")
    confiscation = Confiscation.objects.get()
    assert confiscation.released_to == "Pat Parent" and confiscation.parents_told_at


def test_the_headteacher_records_an_ico_decision(personas, live_server, browser_page):
    IncidentTag.objects.get_or_create(
        school=None, slug="sharing-nudes", defaults={"name": "Sharing nudes"}
    )
    breach = factories.breach(personas, became_aware_at=timezone.now() - timedelta(hours=30))
    head = signed_in(browser_page, live_server, personas.headteacher)
    expect(head.get_by_text("Data breaches: the 72-hour ICO clock")).to_be_visible()
    checked(head, "devices-home-head")
    head.goto(f"{live_server.url}/schools/{personas.school.slug}/breaches/")
    checked(head, "devices-breaches")
    head.get_by_role("link", name=f"Breach {breach.number}").click()
    expect(head.get_by_text("41 hours left")).to_be_visible()
    checked(head, "devices-breach-detail")
    head.get_by_role("link", name="Record the ICO decision").click()
    checked(head, "devices-breach-decide")
    head.get_by_label("Reported to the ICO", exact=True).check()
    head.get_by_label("Reported to the ICO at").fill(
        timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    )
    head.get_by_label("ICO reference").fill("ICO/00042")
    head.get_by_role("button", name="Record the decision").click()
    expect(head.get_by_text("The ICO decision is recorded.")).to_be_visible()
    checked(head, "devices-breach-decided")
    breach = Breach.objects.get()
    assert breach.ico_reference == "ICO/00042" and breach.reported_on_time()
    head.goto(f"{live_server.url}/schools/{personas.school.slug}/breaches/add/")
    checked(head, "devices-breach-add")
