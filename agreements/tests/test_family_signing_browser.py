"""A parent on a phone signs the parent agreement for both children in one go, copying
the first child's answers and changing one photo choice; the e-safety officer's consent
register (also on a phone) shows the difference. axe checks every page visited."""

import re

import pytest
from playwright.sync_api import expect

from agreements import services
from agreements.models import Signature
from agreements.tests.permissions_sign import parent_document
from esafety.browser import checked, signed_in_page
from esafety.models import ParentLink, Role
from esafety.testing import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


def test_a_parent_signs_for_two_children_at_once_on_a_phone(personas, live_server, browser_page):
    version = parent_document(personas)
    sam = person(personas.school, Role.PUPIL, name="Sam Second")
    ParentLink.objects.create(parent=personas.parent, child=sam, relationship="mother")
    services.sync_requests(document=version.document)

    phone = signed_in_page(browser_page, live_server, personas.parent, viewport="phone")
    phone.goto(f"{live_server.url}/agreements/to-sign/")
    checked(phone, "family-to-sign-phone")
    phone.get_by_role("link", name=re.compile("Sign once for all your children")).click()
    expect(phone.get_by_text("You are signing for Poppy Pupil and Sam Second")).to_be_visible()
    checked(phone, "family-sign-phone")

    # Signing with nothing answered: nothing stored, each missing answer named.
    phone.get_by_label("Type your full name to sign").fill("Pat Parent")
    phone.get_by_role("button", name="Sign for both children").click()
    expect(phone.get_by_text("There is a problem")).to_be_visible()
    expect(
        phone.get_by_role("link", name="Answer yes or no for Sam Second: use of the internet")
    ).to_be_visible()
    checked(phone, "family-sign-errors-phone")
    assert not Signature.objects.exists()

    # Poppy's answers: yes to everything. Copied to Sam, then Sam's website answer changed.
    for channel in ("internet", "website", "newspaper", "prospectus", "social_media"):
        phone.locator(f"#id_consent_{personas.pupil.pk}_{channel}_0").check()
    phone.get_by_role("button", name="Copy Poppy Pupil's answers to Sam Second").click()
    expect(phone.locator(f"#id_consent_{sam.pk}_website_0")).to_be_checked()
    checked(phone, "family-sign-copied-phone")
    phone.get_by_role("group", name=re.compile("school website: Sam Second")).get_by_label(
        "No"
    ).check()
    phone.get_by_label("Type your full name to sign").fill("Pat Parent")
    phone.get_by_role("button", name="Sign for both children").click()
    expect(phone.get_by_text("for each of your children")).to_be_visible()
    checked(phone, "family-mine-phone")
    assert Signature.objects.filter(signer=personas.parent).count() == 2

    officer = signed_in_page(browser_page, live_server, personas.esafety_officer, "phone")
    officer.goto(f"{live_server.url}/schools/{personas.school.slug}/agreements/consent/")
    checked(officer, "family-consent-register-phone")
    officer.get_by_label("May appear on").select_option("website")
    officer.get_by_role("button", name="Show", exact=True).click()
    may = officer.locator("h3", has_text="May appear").locator("xpath=..")
    must_not = officer.locator("h3", has_text="Must not appear").locator("xpath=..")
    expect(may).to_contain_text("Poppy Pupil")
    expect(may).not_to_contain_text("Sam Second")
    expect(must_not).to_contain_text("Sam Second")
    checked(officer, "family-consent-website-phone")
