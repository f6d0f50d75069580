"""The pages issue 12 changed, looked at as their users do, on a laptop and on a phone,
axe clean: a parent's home panel and "sign for all" page, the signed form, the reminder
choice; the headteacher's version page with what changed; linking a parent across the
trust's schools."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from agreements import services
from agreements.starter import PARENT_TEXT, POLICY_TEXT
from agreements.tests.factories import STAFF, parent_agreement, published
from agreements.tests.permissions_sign import ANSWERS
from esafety.browser import checked, signed_in_page
from esafety.models import ParentLink, Role
from esafety.testing import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]

SIZES = ("desktop", "phone")


def test_a_parents_pages(personas, live_server, browser_page):
    sam = person(personas.school, Role.PUPIL, name="Sam Second")
    ParentLink.objects.create(parent=personas.parent, child=sam, relationship="mother")
    document = parent_agreement(personas.school)
    version = published(document, personas.esafety_officer, PARENT_TEXT, approver=personas.trustee)
    parent = personas.parent
    pages = {size: signed_in_page(browser_page, live_server, parent, size) for size in SIZES}
    for size, page in pages.items():
        page.goto(live_server.url + reverse("home"))
        page.get_by_role("link", name="Sign for all your children: Parent agreement").click()
        expect(page.get_by_text("You are signing for Poppy Pupil and Sam Second")).to_be_visible()
        checked(page, f"parent-sign-for-all-{size}")
    signature = services.sign(
        version=version,
        signer=personas.parent,
        subject=personas.pupil,
        typed_name="Pat Parent",
        consents=ANSWERS,
    )
    for size, page in pages.items():
        page.goto(live_server.url + reverse("home"))
        checked(page, f"parent-home-{size}")
        page.goto(live_server.url + reverse("agreements-signature", args=[signature.pk]))
        expect(page.get_by_text("You can change or withdraw consent at any time")).to_be_visible()
        checked(page, f"parent-signed-form-{size}")
        page.goto(live_server.url + reverse("account"))
        checked(page, f"parent-account-{size}")


def test_the_headteacher_sees_what_changed(personas, live_server, browser_page):
    from agreements.models import Document, Kind

    document = Document.objects.create(
        school=personas.school, kind=Kind.POLICY, title="E-safety policy", audience_roles=STAFF
    )
    published(document, personas.esafety_officer, POLICY_TEXT, approver=personas.trustee)
    new_text = POLICY_TEXT.replace("\n\n", "\n\nPhones are handed in at the office.\n\n", 1)
    draft = services.new_version(
        document=document,
        by=personas.esafety_officer,
        text=new_text + "\n\n## AI tools\n\nAsk before using AI chatbots with pupils' work.",
        change_summary="Phones handed in; a section on AI tools.",
    )
    for size in SIZES:
        page = signed_in_page(browser_page, live_server, personas.headteacher, size)
        page.goto(live_server.url + reverse("agreements-version", args=[draft.pk]))
        expect(page.get_by_text("What changed from version 1")).to_be_visible()
        checked(page, f"head-version-changes-{size}")


def test_linking_a_parent_from_the_trusts_other_school(personas, live_server, browser_page):
    person(personas.other_school, Role.PARENT, name="Nia Neighbour", email="nia@home.example")
    url = reverse("parent-link-from-trust", args=[personas.school.slug, personas.pupil.pk])
    for size in SIZES:
        page = signed_in_page(browser_page, live_server, personas.esafety_officer, size)
        page.goto(live_server.url + url)
        page.get_by_label("The parent's email address").fill("nobody@home.example")
        page.get_by_role("button", name="Link parent or carer").click()
        expect(page.get_by_text("There is a problem")).to_be_visible()
        checked(page, f"link-parent-from-trust-error-{size}")
    page.get_by_label("The parent's email address").fill("nia@home.example")
    page.get_by_role("button", name="Link parent or carer").click()
    expect(page.get_by_text("Nia Neighbour is now linked to Poppy Pupil")).to_be_visible()
    checked(page, "link-parent-from-trust-done-phone")
