"""A parent's first visit in Chromium: accept the invitation, set a password, sign the
parent agreement for two children with different photo choices, download the signed form.
axe checks the to-sign, sign and my-agreements pages at desktop and phone widths."""

import io
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from agreements import services
from agreements.tests.permissions_sign import parent_document
from esafety.browser import checked, signed_in_page
from esafety.models import ParentLink, Role
from esafety.services import send_invitation
from esafety.testing import person

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]

PASSWORD = "a long passphrase for the parent"


def answer(page, channel, yes):
    page.locator(f"#id_consent_{channel}_{0 if yes else 1}").check()


def test_parent_signs_for_two_children(personas, live_server, browser_page, mailoutbox):
    version = parent_document(personas)
    second = person(personas.school, Role.PUPIL, name="Sam Second")
    ParentLink.objects.create(parent=personas.parent, child=second, relationship="mother")
    services.sync_requests(document=version.document)
    send_invitation(user=personas.parent, invited_by=personas.esafety_officer)
    link = re.search(r"/invite/[^/\s]+/", mailoutbox[-1].body).group(0)

    page = browser_page("desktop")
    page.goto(live_server.url + link)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page).to_have_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/agreements/to-sign/")
    checked(page, "agreements-to-sign-desktop")
    phone = browser_page("phone")
    phone.context.add_cookies(page.context.cookies())
    phone.goto(f"{live_server.url}/agreements/to-sign/")
    checked(phone, "agreements-to-sign-phone")
    phone.get_by_role("link", name="Read and sign Parent agreement for Poppy Pupil").click()
    checked(phone, "agreements-sign-phone")
    for child, website in (("Poppy Pupil", True), ("Sam Second", False)):
        page.goto(f"{live_server.url}/agreements/to-sign/")
        page.get_by_role("link", name=f"Read and sign Parent agreement for {child}").click()
        expect(page.get_by_text(f"You are signing for {child}")).to_be_visible()
        checked(page, f"agreements-sign-{child.split()[0].lower()}-desktop")
        for channel in ("internet", "newspaper", "prospectus", "social_media"):
            answer(page, channel, True)
        answer(page, "website", website)
        page.get_by_label("Type your full name to sign").fill("Pat Parent")
        page.get_by_role("button", name=f"Sign for {child}").click()
        expect(page.get_by_text("Signed: Parent agreement.")).to_be_visible()

    assert services.consent_now(version.document, personas.pupil, "website")
    assert not services.consent_now(version.document, second, "website")

    page.goto(f"{live_server.url}/agreements/mine/")
    checked(page, "agreements-mine-desktop")
    page.get_by_role("row", name=re.compile("Sam Second")).get_by_role("link").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the signed form (PDF)").click()
    pdf = download_info.value
    text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(Path(pdf.path()).read_bytes())).pages
    )
    assert "Sam Second" in text

    phone.goto(f"{live_server.url}/agreements/mine/")
    checked(phone, "agreements-mine-phone")

    # The e-safety officer's consent register shows the two different photo choices.
    officer = signed_in_page(browser_page, live_server, personas.esafety_officer)
    officer.goto(f"{live_server.url}/schools/{personas.school.slug}/agreements/consent/")
    checked(officer, "agreements-consent-register-desktop")
    officer.get_by_label("May appear on").select_option("website")
    officer.get_by_role("button", name="Show").click()
    may = officer.locator("h3", has_text="May appear").locator("xpath=..")
    must_not = officer.locator("h3", has_text="Must not appear").locator("xpath=..")
    expect(may).to_contain_text("Poppy Pupil")
    expect(must_not).to_contain_text("Sam Second")
    expect(may).not_to_contain_text("Sam Second")
    checked(officer, "agreements-consent-website-desktop")
