"""The register's journey in Chromium: the officer adopts the policy's starter risk and
re-scores it after mitigation to MEDIUM, the head signs off the register, a trustee
approves it and sees the heat map without names; the technician logs a failed
filtering check that becomes an incident. axe checks every page on the way, at desktop
and phone widths."""

import os

import pytest
from playwright.sync_api import expect

from esafety.browser import checked, signed_in_page
from incidents.models import Incident
from risks import services
from risks.models import RegisterSignOff, Risk

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


def signed_in(browser_page, live_server, user, viewport="desktop"):
    page = signed_in_page(browser_page, live_server, user, viewport)
    expect(page).to_have_url(f"{live_server.url}/")
    return page


def test_register_from_starter_risk_to_trustee_approval(
    personas, live_server, browser_page, data_migrations
):
    base, slug = live_server.url, personas.school.slug
    # 1. The officer adopts the policy's home-laptop risk from the starter library.
    officer = signed_in(browser_page, live_server, personas.esafety_officer)
    officer.goto(f"{base}/schools/{slug}/risks/")
    checked(officer, "risk-register-empty")
    officer.get_by_role("link", name="Starter risks").click()
    checked(officer, "risk-starter")
    card = officer.locator("li", has_text="School laptop used for home study")
    card.get_by_role("button", name="Adopt").click()
    expect(officer.get_by_text("Adopted as R-001")).to_be_visible()
    expect(officer.get_by_text("Risk assessment 3 × 3 = HIGH (9)")).to_be_visible()
    checked(officer, "risk-detail-adopted")

    # 2. ... and re-scores it after mitigation to MEDIUM (4).
    officer.get_by_role("link", name="Re-score").click()
    checked(officer, "risk-rescore")
    officer.get_by_label("Likelihood now (after mitigation)").select_option("2")
    officer.get_by_label("Impact now (after mitigation)").select_option("2")
    officer.get_by_label("Why this likelihood").fill("Laptops now filtered at home.")
    officer.get_by_label("Why this impact").fill("Pupil and parent briefed.")
    officer.get_by_label("What changed").fill("Technical and education mitigation in place.")
    officer.get_by_role("button", name="Save the new scores").click()
    expect(officer.get_by_text("R-001 is now MEDIUM (4).")).to_be_visible()
    checked(officer, "risk-detail-rescored")
    risk = Risk.objects.get()
    assert risk.assessment_label == "MEDIUM (4)" and risk.assessments.count() == 2
    officer.get_by_role("link", name="Add an action").click()
    officer.get_by_label("What will be done").fill("Check the laptop agent each half term")
    officer.get_by_label("Owner").select_option(label=str(personas.technician))
    officer.get_by_label("Due date").fill("2027-02-12")
    officer.get_by_role("button", name="Add the action").click()
    expect(officer.get_by_text("The action was added to R-001.")).to_be_visible()
    officer.goto(f"{base}/schools/{slug}/risks/")
    checked(officer, "risk-register")

    # 3. The headteacher signs the register off.
    head = signed_in(browser_page, live_server, personas.headteacher)
    expect(head.get_by_role("heading", name="Risk register")).to_be_visible()
    head.goto(f"{base}/schools/{slug}/risks/sign-off/")
    checked(head, "risk-signoffs-head")
    head.get_by_role("button", name="Sign off the register").click()
    expect(head.get_by_text("The register is signed off.")).to_be_visible()

    # 4. A trustee approves it and sees the heat map, with no names.
    trustee = signed_in(browser_page, live_server, personas.trustee)
    trustee.goto(f"{base}/risks/trust/")
    checked(trustee, "risk-trust")
    expect(trustee.get_by_role("table").first).to_be_visible()
    trustee.get_by_role("link", name=f"Signed registers for {personas.school.name}").click()
    trustee.get_by_role("button", name="Approve the register").click()
    expect(trustee.get_by_text("You approved the risk register.")).to_be_visible()
    checked(trustee, "risk-signoffs-trustee")
    assert RegisterSignOff.objects.get().approved_by == personas.trustee
    trustee.goto(f"{base}/schools/{slug}/risks/")
    checked(trustee, "risk-register-trustee")
    text = trustee.content()
    assert "School laptop used for home study" in text and "MEDIUM (4)" in text
    for person in (personas.esafety_officer, personas.technician, personas.headteacher):
        assert person.full_name not in text


def test_technician_logs_a_failed_check_that_becomes_an_incident(
    personas, live_server, browser_page, data_migrations
):
    base, slug = live_server.url, personas.school.slug
    technician = signed_in(browser_page, live_server, personas.technician, "phone")
    technician.goto(f"{base}/schools/{slug}/filtering/")
    checked(technician, "filtering-technician-phone")
    technician.get_by_role("link", name="Log a check").click()
    checked(technician, "filtering-check-form-phone")
    technician.get_by_label("Checked on").fill("2026-11-20")
    technician.get_by_label("Device").fill("Library laptop 3")
    technician.get_by_label("Location").fill("Library")
    technician.get_by_label("What was tested").fill("A gambling site that should be blocked")
    technician.get_by_label("Expected result").fill("Blocked page")
    technician.get_by_label("Actual result").fill("The site opened")
    technician.get_by_label("Worked as expected").uncheck()
    technician.get_by_label("Action taken").fill("Told the filtering provider")
    technician.get_by_role("button", name="Log the check").click()
    expect(technician.get_by_text("The failed check is logged.")).to_be_visible()
    technician.get_by_role("link", name="Report as a filtering breach").click()
    checked(technician, "filtering-check-incident-phone")
    technician.get_by_role("button", name="Report as an incident").click()
    incident = Incident.objects.get()
    expect(technician.get_by_text(f"Incident {incident.reference} was sent to")).to_be_visible()
    checked(technician, "filtering-after-breach-phone")
    assert incident.filtering_checks.get().actual == "The site opened"

    # The officer finds the early review it opened, and the phone layout works.
    officer = signed_in(browser_page, live_server, personas.esafety_officer, "phone")
    officer.goto(f"{base}/schools/{slug}/filtering/")
    officer.get_by_role("link", name="Filtering and monitoring review").first.click()
    checked(officer, "filtering-review-phone")
    officer.get_by_role("link", name="Record the review").click()
    checked(officer, "filtering-review-form-phone")
    officer.goto(f"{base}/schools/{slug}/filtering/decisions/new/")
    checked(officer, "filtering-decision-form-phone")
    officer.goto(f"{base}/schools/{slug}/risks/new/")
    checked(officer, "risk-form-phone")
    officer.goto(f"{base}/")
    checked(officer, "home-officer-phone")


def test_the_chair_keeps_a_trust_wide_risk_that_every_school_sees(
    personas, live_server, browser_page, data_migrations
):
    base, slug = live_server.url, personas.school.slug
    # An empty register: the officer's home page offers the starter library.
    for viewport in ("desktop", "phone"):
        officer = signed_in(browser_page, live_server, personas.esafety_officer, viewport)
        offer = officer.get_by_role("link", name="Start from common online-safety risks")
        expect(offer).to_be_visible()
        checked(officer, f"home-officer-empty-register-{viewport}")

    # The chair adds a trust-wide risk from the trust's page.
    chair = signed_in(browser_page, live_server, personas.chair)
    chair.goto(f"{base}/risks/trust/")
    chair.get_by_role("link", name="Add a trust-wide risk").click()
    checked(chair, "risk-trust-create")
    chair.get_by_label("Title").fill("One filtering contract for every school lapses")
    chair.get_by_label("Description").fill("All schools share one filtering contract.")
    chair.get_by_label("Category").select_option("technical")
    chair.get_by_label(str(personas.chair)).check()
    chair.get_by_label("Likelihood before mitigation").select_option("2")
    chair.get_by_label("Impact before mitigation").select_option("3")
    chair.get_by_label("Why, before mitigation (optional)").fill("No renewal reminder.")
    chair.get_by_label("Likelihood now (after mitigation)").select_option("1")
    chair.get_by_label("Impact now (after mitigation)").select_option("3")
    chair.get_by_label("Why this likelihood").fill("Renewal is on the trust's calendar.")
    chair.get_by_label("Why this impact").fill("Every school unfiltered at once.")
    chair.get_by_role("button", name="Add the risk").click()
    expect(chair.get_by_text("T-001 is on the trust's register as MEDIUM (3).")).to_be_visible()
    checked(chair, "risk-trust-wide-detail-chair")
    chair.goto(f"{base}/risks/trust/")
    checked(chair, "risk-trust-with-trust-wide")

    # Each school's leads see it under their own register, at desktop and phone widths.
    Risk.objects.get()  # only the trust's
    for viewport in ("desktop", "phone"):
        head = signed_in(browser_page, live_server, personas.other_school_headteacher, viewport)
        head.goto(f"{base}/schools/{personas.other_school.slug}/risks/")
        expect(head.get_by_role("heading", name="Trust-wide risks")).to_be_visible()
        checked(head, f"risk-register-trust-wide-{viewport}")
        head.get_by_role("link", name="One filtering contract for every school lapses").click()
        expect(head.get_by_text("Trust-wide risk of")).to_be_visible()
        checked(head, f"risk-trust-wide-detail-head-{viewport}")

    # The head signs the register off; the trustee's home page asks for the approval.
    services.sign_register(school=personas.school, by=personas.headteacher)
    for viewport in ("desktop", "phone"):
        trustee = signed_in(browser_page, live_server, personas.trustee, viewport)
        expect(trustee.get_by_role("link", name="Approve the risk register")).to_be_visible()
        checked(trustee, f"home-trustee-approve-{viewport}")
    trustee.goto(f"{base}/schools/{slug}/filtering/")
    checked(trustee, "filtering-trustee-phone")
