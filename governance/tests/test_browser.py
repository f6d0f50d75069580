"""The chair of trustees on a tablet: opens the dashboard, switches the period and the
school, opens a chart's numbers and marks the term's report read. axe on every page."""

import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from esafety.browser import checked, signed_in_page
from governance import services
from governance.pdf import render_signed
from governance.terms import term_on

from .data import seed_incidents

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]

TABLET = {"width": 820, "height": 1180}


def test_the_chair_reads_the_dashboard_and_the_report_on_a_tablet(
    personas, live_server, browser_page
):
    p = personas
    seed_incidents(p)
    term = term_on(timezone.localdate())
    report = services.start_report(
        trust=p.school.trust, school=p.school, term=term, by=p.headteacher
    )
    report = services.save_narrative(report=report, by=p.headteacher, narrative="A calm term.")
    services.sign_report(report=report, by=p.headteacher, render=render_signed)

    page = signed_in_page(browser_page, live_server, p.chair, TABLET)
    page.get_by_role("link", name="Governance dashboard").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Online safety across Oakwood Schools Trust"
    )
    expect(page.get_by_text("Concerns about staff (chair of trustees only)")).to_be_visible()
    checked(page, "governance-trust-tablet")

    page.get_by_label("Period", exact=True).select_option("year")
    page.get_by_role("button", name="Show these figures").click()
    expect(page.locator("main")).to_contain_text("This academic year")
    page.get_by_label("School", exact=True).select_option(label="Oakwood Primary")
    page.get_by_role("button", name="Show these figures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Online safety at Oakwood Primary")
    expect(page.locator("main")).to_contain_text("This academic year")

    numbers = page.locator("details", has_text="Incidents by risk area").first
    table = numbers.get_by_role("table")
    expect(table).to_be_hidden()
    numbers.locator("summary").click()
    expect(table).to_be_visible()
    expect(table).to_contain_text("fewer than 5")
    checked(page, "governance-school-numbers-tablet")

    page.get_by_role("link", name="All termly reports").click()
    checked(page, "governance-reports-tablet")
    page.get_by_role("link", name="Oakwood Primary").click()
    page.get_by_role("button", name="Mark as read").click()
    expect(page.get_by_text("You marked this report as read.")).to_be_visible()
    checked(page, "governance-report-read-tablet")
    assert report.reads.filter(reader=p.chair).count() == 1


@pytest.mark.parametrize("who", ["headteacher", "esafety_officer", "chair"])
def test_the_menu_bar_stays_on_one_line_on_a_laptop(who, personas, live_server, browser_page):
    page = signed_in_page(browser_page, live_server, getattr(personas, who), "desktop")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Governance").click()
    expect(nav.get_by_role("link", name="Governance dashboard")).to_be_visible()
    tops = nav.locator(".navbar-nav > .nav-item").evaluate_all(
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
    )
    from esafety.browser import save_screenshot

    save_screenshot(page, f"governance-nav-{who}-desktop")
    assert len(set(tops)) == 1, tops


def test_the_officer_reads_the_school_dashboard_on_a_phone(personas, live_server, browser_page):
    p = personas
    seed_incidents(p)
    page = signed_in_page(browser_page, live_server, p.esafety_officer, "phone")
    page.goto(f"{live_server.url}/governance/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Online safety at Oakwood Primary")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    checked(page, "governance-school-phone")
    page.locator("a", has_text="Incident actions overdue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Overdue incident actions")
    checked(page, "governance-overdue-phone")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_head_signs_without_saving_and_trustees_read_it(
    viewport, personas, live_server, browser_page
):
    """The termly report page as its writer and as a trustee, axe-checked (target size
    included: with last term's text offered, "All termly reports" sat 23 px from the sign
    button) at 1280 and 390 px; "Sign" straight after typing keeps the text."""
    p = personas
    seed_incidents(p)
    term = term_on(timezone.localdate())
    last = services.start_report(
        trust=p.school.trust, school=p.school, term=term.previous, by=p.headteacher
    )
    services.save_narrative(report=last, by=p.headteacher, narrative="Summer was quiet.")
    services.sign_report(report=last, by=p.headteacher, render=render_signed)
    report = services.start_report(
        trust=p.school.trust, school=p.school, term=term, by=p.headteacher
    )
    page = signed_in_page(browser_page, live_server, p.headteacher, viewport)
    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    expect(page.get_by_text("Last term's text is filled in as a start")).to_be_visible()
    checked(page, f"governance-report-draft-{viewport}")
    text = "Typed, then signed at once: no save first."
    page.get_by_label("What the governors should know this term").fill(text)
    page.get_by_role("button", name="Sign and send to trustees").click()
    expect(page.get_by_text("Signed. The trustees have been told")).to_be_visible()
    report.refresh_from_db()
    assert report.is_signed and report.narrative == text

    page = signed_in_page(browser_page, live_server, p.trustee, viewport)
    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    expect(page.locator(".report-narrative")).to_have_text(text)
    expect(page.locator(".report-narrative")).to_have_attribute("dir", "auto")
    checked(page, f"governance-report-signed-trustee-{viewport}")
    page.goto(f"{live_server.url}/governance/schools/{p.school.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Online safety at Oakwood Primary")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    checked(page, f"governance-school-trustee-{viewport}")
    page.goto(f"{live_server.url}/governance/trusts/{p.school.trust_id}/")
    checked(page, f"governance-trust-trustee-{viewport}")
    page.goto(f"{live_server.url}/governance/reports/")
    checked(page, f"governance-reports-trustee-{viewport}")
    page.goto(f"{live_server.url}/governance/figures/")
    checked(page, f"governance-definitions-trustee-{viewport}")

    page = signed_in_page(browser_page, live_server, p.chair, viewport)
    page.goto(f"{live_server.url}/governance/trusts/{p.school.trust_id}/settings/")
    checked(page, f"governance-settings-chair-{viewport}")
    page.get_by_label("Counts under 10 (1 to 9): for very small schools").check()
    page.get_by_role("button", name="Save the setting").click()
    expect(page.locator("main")).to_contain_text("Now: Counts under 10")
