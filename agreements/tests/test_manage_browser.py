"""A new e-safety policy in Chromium: the e-safety officer drafts it, the headteacher
signs it off, a trustee approves it (which publishes it), a member of staff signs it and
drops off the outstanding list. axe checks every page on the way, desktop and phone."""

import os
import re

import pytest
from playwright.sync_api import expect

from agreements import services
from agreements.models import Document, Kind
from agreements.tests.factories import STAFF, published
from esafety.browser import checked, signed_in_page

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


def test_staff_sign_a_newly_published_policy(personas, live_server, browser_page):
    p = personas
    policy = Document.objects.create(
        school=p.school, kind=Kind.POLICY, title="E-safety policy", audience_roles=STAFF
    )
    first = published(policy, p.headteacher, "# Policy\n\nOld rules.", approver=p.trustee)
    services.sign(version=first, signer=p.teacher, subject=p.teacher, typed_name="Terry Teacher")
    base = live_server.url

    officer = signed_in_page(browser_page, live_server, p.esafety_officer)
    officer.goto(f"{base}/schools/{p.school.slug}/agreements/documents/")
    checked(officer, "agreements-documents-desktop")
    officer.get_by_role("link", name="E-safety policy").click()
    checked(officer, "agreements-document-desktop")
    officer.get_by_role("link", name="Start a new version").click()
    officer.locator("#id_text").fill("# Policy\n\nNew rules about group chats.")
    officer.locator("#id_change_summary").fill("Group chats, after an incident.")
    checked(officer, "agreements-version-form-desktop")
    officer.get_by_role("button", name="Save the draft").click()
    expect(officer.get_by_text("Draft version 2 saved.")).to_be_visible()
    checked(officer, "agreements-version-draft-desktop")

    head = signed_in_page(browser_page, live_server, p.headteacher)
    head.goto(officer.url)
    head.get_by_role("button", name="Sign off as headteacher").click()
    expect(head.get_by_text("Signed off.")).to_be_visible()

    trustee = signed_in_page(browser_page, live_server, p.trustee, "phone")
    trustee.goto(f"{base}/agreements/approvals/")
    checked(trustee, "agreements-approvals-phone")
    trustee.get_by_role("link", name="E-safety policy, version 2").click()
    checked(trustee, "agreements-version-approve-phone")
    trustee.get_by_role("button", name="Approve for the trustees").click()
    expect(trustee.get_by_text("Everyone who must sign has been asked to.")).to_be_visible()
    trustee.goto(f"{base}/agreements/coverage/")
    checked(trustee, "agreements-coverage-phone")

    register = f"{base}/schools/{p.school.slug}/agreements/registers/{policy.pk}/?status=expired"
    officer.goto(register)
    expect(officer.get_by_role("row", name=re.compile("Terry Teacher"))).to_be_visible()
    checked(officer, "agreements-register-desktop")

    teacher = signed_in_page(browser_page, live_server, p.teacher, "phone")
    expect(teacher.get_by_role("link", name="E-safety policy", exact=True)).to_be_visible()
    checked(teacher, "home-to-sign-phone")
    teacher.goto(f"{base}/agreements/to-sign/")
    teacher.get_by_role("link", name=re.compile("Read and sign E-safety policy")).click()
    expect(teacher.get_by_text("New rules about group chats.")).to_be_visible()
    teacher.get_by_label("Type your full name to sign").fill("Terry Teacher")
    teacher.get_by_role("button", name=re.compile("Sign")).click()
    expect(teacher.get_by_text("Signed: E-safety policy.")).to_be_visible()

    officer.goto(register)
    expect(officer.get_by_text("Nobody to show.")).to_be_visible()
    officer.goto(register.replace("expired", "signed"))
    expect(officer.get_by_role("row", name=re.compile("Terry Teacher"))).to_be_visible()
    officer.goto(f"{base}/schools/{p.school.slug}/agreements/registers/")
    checked(officer, "agreements-registers-desktop")
    officer.goto(f"{base}/schools/{p.school.slug}/agreements/registers/{policy.pk}/print/")
    checked(officer, "agreements-register-print-desktop")
    officer.goto(f"{base}/")
    checked(officer, "home-agreements-officer-desktop")
    officer.goto(f"{base}/schools/{p.school.slug}/agreements/internet-access/")
    checked(officer, "agreements-internet-desktop")
    officer.goto(f"{base}/schools/{p.school.slug}/agreements/reviews/")
    checked(officer, "agreements-reviews-desktop")
    phone = signed_in_page(browser_page, live_server, p.esafety_officer, "phone")
    phone.goto(register.replace("?status=expired", ""))
    checked(phone, "agreements-register-phone")
    phone.goto(f"{base}/schools/{p.school.slug}/agreements/documents/")
    checked(phone, "agreements-documents-phone")
