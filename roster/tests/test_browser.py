"""The MIS sync in Chromium, with axe on every page visited: the e-safety officer sets up
a bundle sync, uploads the MIS's OneRoster bundle, checks the preview and approves it; the
run's page on a phone."""

import os

import pytest
from playwright.sync_api import expect

from esafety.browser import checked, signed_in_page
from esafety.models import Membership

from . import bundles

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


def test_the_officer_previews_then_approves_the_first_sync(
    personas, live_server, browser_page, tmp_path
):
    slug = personas.school.slug
    page = signed_in_page(browser_page, live_server, personas.esafety_officer)
    page.goto(f"{live_server.url}/schools/{slug}/mis-sync/")
    checked(page, "roster-not-set-up")
    page.get_by_role("link", name="Set up the sync").click()
    checked(page, "roster-settings")
    page.get_by_label("OneRoster CSV bundle (a zip file you upload)").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("MIS sync settings saved.")).to_be_visible()
    checked(page, "roster-overview")

    bundle = tmp_path / "hollybrook-oneroster.zip"
    bundle.write_bytes(bundles.bundle_11())
    page.get_by_label("OneRoster CSV bundle (.zip)").set_input_files(str(bundle))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", name="Nothing has changed yet")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Amelia Hart")).to_be_visible()
    checked(page, "roster-run-preview")
    assert not Membership.objects.filter(external_id="stu-001").exists()

    page.get_by_role("button", name="Approve and apply").click()
    expect(page.get_by_text("The sync was applied.").first).to_be_visible()
    checked(page, "roster-run-applied")
    assert Membership.objects.filter(external_id="stu-001", ended_on=None).exists()

    phone = signed_in_page(browser_page, live_server, personas.esafety_officer, "phone")
    phone.goto(page.url)
    checked(phone, "roster-run-applied-phone")
    phone.goto(f"{live_server.url}/schools/{slug}/mis-sync/")
    checked(phone, "roster-overview-phone")
