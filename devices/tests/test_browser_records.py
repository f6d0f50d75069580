"""The pages changed to link device records and incidents, at 1280 and 390 px, with axe:
the officer's incident page (a data breach to record, a linked search and confiscation),
the chronology, a confiscation and a search of it; a parent reporting a lent laptop lost
on a phone; the technician's register with a device out of service and a disposal PDF."""

import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from devices import breaches
from devices.tests import factories
from esafety.browser import checked, signed_in_page
from incidents.models import IncidentTag
from incidents.tests.factories import report

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


def _tags(*slugs):
    return [
        IncidentTag.objects.get_or_create(school=None, slug=slug, defaults={"name": slug})[0]
        for slug in slugs
    ]


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_officer_follows_device_records_from_an_incident(
    personas, live_server, browser_page, viewport
):
    incident = report(personas.school, personas.teacher, tags=_tags("data-breach"))
    confiscation = factories.confiscation(personas, incident=incident)
    factories.search(personas, confiscation=confiscation, incident=incident)
    page = signed_in_page(browser_page, live_server, personas.esafety_officer, viewport)
    page.goto(f"{live_server.url}/incidents/{incident.pk}/")
    checked(page, f"records-incident-{viewport}")
    page.get_by_role("link", name="Record a personal-data breach").click()
    expect(page.get_by_role("heading", name="Record a personal-data breach")).to_be_visible()
    checked(page, f"records-breach-from-incident-{viewport}")
    page.goto(f"{live_server.url}/incidents/{incident.pk}/")
    page.get_by_role("link", name=f"Confiscation: {confiscation.description}").click()
    checked(page, f"records-confiscation-{viewport}")
    page.get_by_role("link", name="Record a search of this device").click()
    expect(page.get_by_text("A search of the confiscated device")).to_be_visible()
    checked(page, f"records-search-form-{viewport}")
    slug = personas.school.slug
    page.goto(f"{live_server.url}/schools/{slug}/pupils/{personas.pupil.pk}/incidents/")
    expect(page.get_by_role("heading", name="Confiscations and searches")).to_be_visible()
    checked(page, f"records-chronology-{viewport}")


def test_a_parent_reports_a_lent_laptop_lost_on_a_phone(personas, live_server, browser_page):
    loan = factories.lend(personas, hand_over=True)
    page = signed_in_page(browser_page, live_server, personas.parent, "phone")
    page.goto(f"{live_server.url}/loans/{loan.pk}/")
    checked(page, "records-loan-parent-phone")
    page.get_by_role("link", name="Report it lost or stolen").click()
    page.get_by_label("Lost", exact=True).check()
    page.get_by_label("Where").fill("Left on the bus")
    page.get_by_role("group", name="Did it hold personal data?").get_by_label("No").check()
    checked(page, "records-loss-form-phone")
    page.get_by_role("button", name="Report it and tell the headteacher").click()
    expect(page.get_by_text("Reported lost or stolen").first).to_be_visible()
    checked(page, "records-loan-lost-phone")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_register_shows_devices_out_of_service(personas, live_server, browser_page, viewport):
    lost = factories.device(personas.school, asset_tag="LAP-LOST", encryption="none")
    breaches.report_loss(
        device=lost,
        by=personas.technician,
        kind="lost",
        happened_at=timezone.now(),
        where="Trip",
        held_personal_data=False,
        was_encrypted=False,
    )
    factories.device(personas.school, asset_tag="LAP-PW", encryption="password")
    disposal = factories.disposal(personas)
    page = signed_in_page(browser_page, live_server, personas.technician, viewport)
    slug = personas.school.slug
    page.goto(f"{live_server.url}/schools/{slug}/devices/")
    expect(page.get_by_text("Not in service").first).to_be_visible()
    checked(page, f"records-inventory-{viewport}")
    page.goto(f"{live_server.url}/devices/{factories.Device.objects.get(asset_tag='LAP-PW').pk}/")
    expect(page.get_by_text("Password only – NOT encrypted").first).to_be_visible()
    checked(page, f"records-device-password-{viewport}")
    page.goto(f"{live_server.url}/schools/{slug}/disposals/")
    checked(page, f"records-disposals-{viewport}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Record (PDF)").first.click()
    path = os.environ.get("SCREENSHOT_DIR")
    if path:
        download.value.save_as(os.path.join(path, f"disposal-{disposal.pk}-{viewport}.pdf"))
