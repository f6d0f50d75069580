"""In Chromium, with axe on every page visited: the technician cannot hand a loan over
until the parent has signed, then hands it over; the parent reports the laptop lost on a
phone; it held personal data and was only password-protected, so a breach record opens,
the headteacher is told and sees the 72-hour ICO clock running."""

import os

import pytest
from playwright.sync_api import expect

from devices.models import Breach, Loan, Status
from devices.tests import factories
from esafety.browser import checked, signed_in_page
from esafety.models import Notification

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


def test_hand_over_after_the_parent_signs_then_the_parent_reports_it_lost(
    personas, live_server, browser_page
):
    loan = factories.lend(
        personas, asset_tag="LAP-0042", encryption="password", encryption_method=""
    )
    tech = signed_in_page(browser_page, live_server, personas.technician)
    tech.goto(f"{live_server.url}/loans/{loan.pk}/")
    checked(tech, "loss-loan-waiting")
    tech.get_by_role("button", name="Hand over").click()
    expect(tech.get_by_text("The loan agreement is not signed yet")).to_be_visible()
    checked(tech, "loss-hand-over-refused")
    assert Loan.objects.get().handed_over_at is None

    parent = signed_in_page(browser_page, live_server, personas.parent, "phone")
    parent.goto(f"{live_server.url}/agreements/to-sign/")
    checked(parent, "loss-to-sign-phone")
    parent.get_by_role(
        "link", name="Read and sign Device loan agreement (home learning) for Poppy Pupil"
    ).click()
    checked(parent, "loss-sign-phone")
    parent.get_by_label("Type your full name to sign").fill("Pat Parent")
    parent.get_by_role("button", name="Sign for Poppy Pupil").click()
    expect(parent.get_by_text("Signed: Device loan agreement (home learning).")).to_be_visible()

    tech.reload()
    tech.get_by_role("button", name="Hand over").click()
    expect(tech.get_by_text("LAP-0042 was handed over to Poppy Pupil.")).to_be_visible()
    checked(tech, "loss-handed-over")

    parent.goto(f"{live_server.url}/loans/{loan.pk}/")
    checked(parent, "loss-loan-parent-phone")
    parent.get_by_role("link", name="Report it lost or stolen").click()
    parent.get_by_label("Lost", exact=True).check()
    parent.get_by_label("Where").fill("Left on the bus")
    parent.get_by_role("group", name="Did it hold personal data?").get_by_label("Yes").check()
    parent.get_by_label("What personal data it held").fill("Her schoolwork and class photos")
    encrypted = parent.get_by_role(
        "group", name="Was it encrypted (full-disk, not just a password)?"
    )
    expect(encrypted.get_by_label("No")).to_be_checked()  # password only is not encryption
    checked(parent, "loss-form-phone")
    parent.get_by_role("button", name="Report it and tell the headteacher").click()
    expect(parent.get_by_text("A breach record was opened and the head told")).to_be_visible()
    expect(parent.get_by_text("Reported lost or stolen").first).to_be_visible()
    checked(parent, "loss-reported-phone")

    breach = Breach.objects.get()
    assert breach.loss.device.status == Status.LOST and "NOT encrypted" in breach.what_happened
    assert Loan.objects.get().stage == "Reported lost or stolen"
    assert Notification.objects.filter(recipient=personas.headteacher).exists()

    head = signed_in_page(browser_page, live_server, personas.headteacher)
    expect(head.get_by_text("Data breaches: the 72-hour ICO clock")).to_be_visible()
    checked(head, "loss-head-home")
    head.goto(f"{live_server.url}/breaches/{breach.pk}/")
    expect(head.get_by_text("71 hours left")).to_be_visible()
    expect(head.get_by_text("Left on the bus").first).to_be_visible()
    checked(head, "loss-breach-detail")
