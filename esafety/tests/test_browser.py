"""The core's pages in a real browser: signing in as each persona, axe at desktop and
phone widths, the idle warning and the phone menu.

Set SCREENSHOT_DIR=/some/folder to save a full-page screenshot of every page visited.
"""

import os
import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esafety.browser import (
    assert_no_console_errors,
    confirmed_totp_device,
    format_violations,
    run_axe,
    save_screenshot,
    sign_in_in_browser,
)
from esafety.models import Notification, ParentLink, Role
from esafety.roles import requires_two_factor
from esafety.testing import person

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


def sign_in(page, live_server, user):
    device = confirmed_totp_device(user) if requires_two_factor(user) else None
    sign_in_in_browser(page, live_server, user, totp_device=device)
    expect(page).to_have_url(f"{live_server.url}/")
    return page


def check_page(page, label, problems, status=200):
    """axe, one h1, a title, and nothing wider than the window; problems are collected so
    one run reports every page."""
    save_screenshot(page, label)
    violations = run_axe(page)
    if violations:
        problems.append(f"{label}: axe\n{format_violations(violations)}")
    h1s = page.locator("h1").all_inner_texts()
    if len(h1s) != 1:
        problems.append(f"{label}: expected one h1, found {h1s}")
    if not page.title().endswith("E-safety manager"):
        problems.append(f"{label}: title {page.title()!r}")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        problems.append(f"{label}: page is {overflow}px wider than the window")
    # A 403 or 404 page is reported by the browser as a failed load: that one is expected.
    expected = f"the server responded with a status of {status}"
    errors = [e for e in page.console_errors if status == 200 or expected not in e]
    if errors:
        problems.append(f"{label}: console errors {errors}")
    page.console_errors.clear()


def nav_item(nav, name):
    """A link in the main navigation, or a menu button (People opens a dropdown)."""
    return nav.get_by_role("link", name=name, exact=True).or_(
        nav.get_by_role("button", name=name, exact=True)
    )


# --- a. each persona's home page ------------------------------------------------------------

HOME_EXPECTATIONS = {
    "headteacher": {
        "roles": "Headteacher",
        "panels": ["People"],
        "nav": ["People", "Notifications", "Account"],
    },
    "esafety_officer": {
        "roles": "E-safety officer",
        "panels": ["People"],
        "nav": ["People"],
    },
    "technician": {
        "roles": "Technician",
        "panels": ["Starters and leavers (last 14 days)", "If you have an e-safety concern"],
        "no_nav": ["Trust overview"],  # People: the school's integrations (API keys)
    },
    "teacher": {
        "roles": "Staff",
        "panels": ["If you have an e-safety concern"],
        "text": ["Hana Head – Headteacher", "Eddie Officer – E-safety officer"],
        "no_nav": ["People", "Trust overview"],
    },
    "pupil": {
        "roles": "Pupil",
        "panels": ["Staying safe online"],
        "text": ["Childline"],
        "no_nav": ["People", "Trust overview"],
    },
    "parent": {
        "roles": "Parent or carer",
        "panels": ["Your children"],
        "text": ["Poppy Pupil – Year 5, Oakwood Primary"],
        "no_nav": ["People", "Trust overview"],
    },
    "trustee": {
        "roles": "Trustee",
        "panels": ["Your trust's schools"],
        "links": ["Trust overview"],
        "nav": ["Trust overview"],
        "no_nav": ["People"],
    },
    "chair": {
        "roles": "Chair of trustees",
        "panels": ["Your trust's schools"],
        "links": ["Trust overview"],
        "nav": ["Trust overview"],
        "no_nav": ["People"],
    },
    "head_and_officer": {
        "roles": "Headteacher, E-safety officer",
        "panels": ["People"],
        "nav": ["People"],
    },
}


@pytest.mark.parametrize("who", list(HOME_EXPECTATIONS))
def test_each_persona_signs_in_and_sees_their_home_page(who, personas, live_server, browser_page):
    if who == "head_and_officer":
        user = person(personas.school, Role.HEADTEACHER, Role.ESAFETY_OFFICER, name="Dana Dual")
    else:
        user = personas.get(who)
    page = browser_page("desktop")
    sign_in(page, live_server, user)
    wanted = HOME_EXPECTATIONS[who]

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {user.full_name.split()[0]}")
    expect(page.locator("main")).to_contain_text(f"You are signed in as: {wanted['roles']}.")
    for title in wanted["panels"]:
        expect(page.get_by_role("heading", level=3, name=title)).to_be_visible()
    for text in wanted.get("text", []):
        expect(page.locator("main")).to_contain_text(text)
    for name in wanted.get("links", []):
        expect(page.locator("main").get_by_role("link", name=name)).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    for name in wanted.get("nav", []):
        expect(nav_item(nav, name).first).to_be_visible()
    for name in wanted.get("no_nav", []):
        expect(nav_item(nav, name)).to_have_count(0)
    if "People" in wanted["panels"]:
        panel = page.get_by_role("region", name="People")
        expect(panel.get_by_role("link", name="Oakwood Primary")).to_be_visible()

    save_screenshot(page, f"home-{who}-desktop")
    violations = run_axe(page)
    assert not violations, f"axe on {who}'s home page:\n{format_violations(violations)}"
    assert_no_console_errors(page)


def test_two_factor_role_without_a_device_is_sent_to_set_one_up(
    personas, live_server, browser_page
):
    page = browser_page("desktop")
    sign_in_in_browser(page, live_server, personas.headteacher)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    expect(page.get_by_role("status")).to_contain_text("you need a second step")
    violations = run_axe(page)
    assert not violations, format_violations(violations)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_code_page_is_accessible_and_rejects_a_wrong_code(
    width, personas, live_server, browser_page
):
    confirmed_totp_device(personas.technician)
    page = browser_page(width)
    sign_in_in_browser(page, live_server, personas.technician)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    page.locator("input[name=token]").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("main")).to_contain_text("didn't match")
    problems = []
    check_page(page, f"two-factor-verify-error-{width}", problems)
    assert not problems, "\n\n".join(problems)


def test_a_wrong_password_says_so_accessibly(personas, live_server, browser_page):
    page = browser_page("desktop")
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(personas.teacher.email)
    page.locator("input[name=password]").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("main")).to_contain_text("don't match")
    save_screenshot(page, "login-error-desktop")
    violations = run_axe(page)
    assert not violations, format_violations(violations)


# --- b. every core page, desktop and phone ----------------------------------------------------


def visit(page, url, label, problems, status=200):
    response = page.goto(url)
    if response.status != status:
        problems.append(f"{label}: status {response.status}, expected {status}")
    check_page(page, label, problems, status)
    return response


def pages_for_anonymous(page, live_server, personas, width, problems):
    base = live_server.url
    visit(page, f"{base}/accounts/login/", f"login-{width}", problems)
    visit(page, f"{base}/accessibility/", f"accessibility-anonymous-{width}", problems)
    visit(page, f"{base}/accounts/password/reset/", f"password-reset-{width}", problems)


def pages_for_headteacher(page, live_server, personas, width, problems):
    base = live_server.url
    school = personas.school
    head = personas.headteacher
    for n in range(3):
        Notification.objects.create(
            recipient=head,
            title=f"Incident {n + 1} needs acknowledging",
            body="Reported by a member of staff. Open it to see the details.",
            link="/",
        )
    sign_in(page, live_server, head)
    check_page(page, f"home-headteacher-{width}", problems)
    visit(page, f"{base}/notifications/", f"notifications-{width}", problems)
    visit(page, f"{base}/accounts/", f"account-headteacher-{width}", problems)
    visit(page, f"{base}/schools/{school.slug}/people/", f"people-{width}", problems)

    visit(page, f"{base}/schools/{school.slug}/people/add/", f"person-add-{width}", problems)
    page.get_by_role("button", name="Add person").click()
    page.wait_for_load_state()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    if not summary.count() or not page.locator(".is-invalid").count():
        problems.append(f"person-add-errors-{width}: no validation errors shown")
    elif not summary.evaluate("el => el === document.activeElement"):
        problems.append(f"person-add-errors-{width}: the error summary is not focused")
    elif not summary.get_by_role("link", name=re.compile("Full name")).count():
        problems.append(f"person-add-errors-{width}: no link to the full name field")
    check_page(page, f"person-add-errors-{width}", problems)

    url = reverse("person-detail", args=[school.slug, personas.parent.pk])
    visit(page, f"{base}{url}", f"person-parent-{width}", problems)
    url = reverse("person-detail", args=[school.slug, personas.pupil.pk])
    visit(page, f"{base}{url}", f"person-pupil-{width}", problems)
    url = reverse("membership-add", args=[school.slug, personas.pupil.pk])
    visit(page, f"{base}{url}", f"membership-add-{width}", problems)
    visit(page, f"{base}/schools/{school.slug}/settings/", f"settings-{width}", problems)
    visit(page, f"{base}/no-such-page/", f"404-{width}", problems, status=404)
    visit(page, f"{base}/accessibility/", f"accessibility-{width}", problems)


def pages_for_teacher(page, live_server, personas, width, problems):
    base = live_server.url
    sign_in(page, live_server, personas.teacher)
    check_page(page, f"home-teacher-{width}", problems)
    visit(page, f"{base}/notifications/", f"notifications-empty-{width}", problems)
    visit(page, f"{base}/accounts/", f"account-teacher-{width}", problems)
    visit(page, f"{base}/accounts/two-factor/setup/", f"two-factor-setup-{width}", problems)
    url = f"{base}/schools/{personas.school.slug}/people/"
    visit(page, url, f"403-{width}", problems, status=403)


def pages_for_trustee(page, live_server, personas, width, problems):
    sign_in(page, live_server, personas.chair)
    check_page(page, f"home-chair-{width}", problems)
    visit(page, f"{live_server.url}/trust/", f"trust-overview-{width}", problems)


def pages_for_parent(page, live_server, personas, width, problems):
    sign_in(page, live_server, personas.parent)
    check_page(page, f"home-parent-{width}", problems)
    visit(page, f"{live_server.url}/accounts/", f"account-parent-{width}", problems)


PAGE_TOURS = {
    "anonymous": pages_for_anonymous,
    "headteacher": pages_for_headteacher,
    "teacher": pages_for_teacher,
    "trustee": pages_for_trustee,
    "parent": pages_for_parent,
}


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("tour", list(PAGE_TOURS))
def test_pages_are_accessible_at_desktop_and_phone_widths(
    tour, width, personas, live_server, browser_page
):
    ParentLink.objects.filter(parent=personas.parent).update(relationship="mother")
    page = browser_page(width)
    problems = []
    PAGE_TOURS[tour](page, live_server, personas, width, problems)
    assert not problems, "\n\n".join(problems)


# --- c. the idle warning ------------------------------------------------------------------


def test_idle_warning_then_stay_signed_in_then_sign_out(
    personas, live_server, browser_page, settings
):
    settings.IDLE_TIMEOUT_SECONDS = 8
    settings.IDLE_WARNING_SECONDS = 5
    page = browser_page("desktop")
    sign_in(page, live_server, personas.teacher)
    loaded = time.monotonic()
    banner = page.locator("#idle-warning")
    expect(banner).to_be_hidden()

    # The warning comes before the lock-out, and says so to screen readers too.
    expect(banner).to_be_visible(timeout=8_000)
    assert time.monotonic() - loaded < 8
    expect(banner).to_contain_text("signed out in")
    expect(page.locator("#idle-announce")).to_contain_text("signed out")
    save_screenshot(page, "idle-warning-desktop")
    violations = run_axe(page)
    assert not violations, format_violations(violations)

    page.get_by_role("button", name="Stay signed in").click()
    expect(banner).to_be_hidden()

    # Past the first deadline the session is still alive.
    time.sleep(max(0, 9 - (time.monotonic() - loaded)))
    status = page.request.get(f"{live_server.url}/session/status/").json()
    assert status["authenticated"] is True
    assert status["seconds_left"] > 0

    # Now do nothing: the warning comes back and the person is signed out.
    expect(banner).to_be_visible(timeout=8_000)
    page.wait_for_url(re.compile(r"/accounts/login/"), timeout=12_000)
    expect(page.locator("main")).to_contain_text("signed out after")
    expect(page.locator("main .alert")).to_have_count(1)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert_no_console_errors(page)


def test_typing_counts_as_activity(personas, live_server, browser_page, settings):
    settings.IDLE_TIMEOUT_SECONDS = 8
    settings.IDLE_WARNING_SECONDS = 5
    page = browser_page("desktop")
    sign_in(page, live_server, personas.teacher)
    page.goto(f"{live_server.url}/accounts/password/change/")
    field = page.locator("input[type=password]").first
    started = time.monotonic()
    while time.monotonic() - started < 11:
        field.press_sequentially("ab", delay=100)
        expect(page.locator("#idle-warning")).to_be_hidden()
        time.sleep(1)
    expect(page).to_have_url(re.compile(r"/accounts/password/change/"))
    status = page.request.get(f"{live_server.url}/session/status/").json()
    assert status["authenticated"] is True


# --- d. the menu on a phone ---------------------------------------------------------------


def test_phone_menu_collapses_and_opens_with_the_keyboard(personas, live_server, browser_page):
    page = browser_page("phone")
    sign_in(page, live_server, personas.headteacher)
    nav = page.get_by_role("navigation", name="Main")
    toggle = nav.get_by_role("button", name="Show menu")
    people = nav_item(nav, "People")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("button", name="Account")).to_be_hidden()

    page.keyboard.press("Tab")  # skip link
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Tab")  # brand
    page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    outline = toggle.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", "the focused menu button has no visible outline"
    save_screenshot(page, "menu-closed-phone")

    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("button", name="Account")).to_be_visible()
    expect(people.first).to_be_visible()
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Home")).to_be_focused()
    page.wait_for_timeout(400)  # the opening animation
    save_screenshot(page, "menu-open-phone")
    violations = run_axe(page)
    assert not violations, format_violations(violations)

    toggle.focus()
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("button", name="Account")).to_be_hidden()


def test_desktop_menu_is_always_shown(personas, live_server, browser_page):
    page = browser_page("desktop")
    sign_in(page, live_server, personas.teacher)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("button", name="Show menu")).to_be_hidden()
    nav.get_by_role("button", name="Account").click()  # your account and signing out
    expect(nav.get_by_role("link", name="Your account")).to_be_visible()
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
