"""Shared helpers for browser tests: Debian's Chromium through Playwright, and axe.

Use it from a test module with::

    pytestmark = pytest.mark.browser
    pytest_plugins = ["esafety.browser"]

which gives the fixtures `chromium` (one browser for the session) and `browser_page` (a
factory of fresh pages, each in its own context so cookies never leak between people),
plus `run_axe(page)`, `assert_no_axe_violations(page)` and
`sign_in_in_browser(page, live_server, user, totp_device=None)`.

Playwright's sync API runs an event loop in the test thread, so Django's ORM would refuse
to run there; importing this module sets DJANGO_ALLOW_ASYNC_UNSAFE for the tests.

Its assertions carry their own messages, so pytest need not rewrite it (test modules
import it before `pytest_plugins` registers it): PYTEST_DONT_REWRITE.
"""

import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}
TWO_FACTOR_FIELD = "token"


@pytest.fixture(scope="session")
def chromium(request):
    """One headless Chromium for the whole run; skipped (failed in CI) without it."""
    if not Path(CHROMIUM).exists():
        from esafety.pytest_plugin import require_service

        require_service(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium):
    """A factory: `browser_page("phone")` gives a new page in a new context.

    Each page records browser console errors (CSP violations, failed scripts) in
    `page.console_errors`; `assert_no_console_errors(page)` checks them.
    """
    contexts = []

    def new_page(viewport="desktop", **context_options):
        size = VIEWPORTS[viewport] if isinstance(viewport, str) else viewport
        context = chromium.new_context(viewport=size, locale="en-GB", **context_options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console",
            lambda message: message.type == "error" and page.console_errors.append(message.text),
        )
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        return page

    yield new_page
    for context in contexts:
        context.close()


def assert_no_console_errors(page, ignore=()):
    errors = [e for e in page.console_errors if not any(re.search(p, e) for p in ignore)]
    assert not errors, "Browser console errors:\n" + "\n".join(errors)


# --- axe ----------------------------------------------------------------------------------


def run_axe(page, context=None, options=None) -> list[dict]:
    """Run axe-core on the page as it is now; return its violations (empty is good)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context, options=options or {"resultTypes": ["violations"]})
    return results.response["violations"]


def format_violations(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  {v['helpUrl']}")
        for node in v["nodes"]:
            lines.append(f"    at {', '.join(str(t) for t in node['target'])}")
            lines.append(f"       {node['html'][:200]}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"       {line}" for line in summary.splitlines())
    return "\n".join(lines)


def assert_no_axe_violations(page, label=""):
    violations = run_axe(page)
    where = f"{label or page.url}"
    assert not violations, f"axe found {len(violations)} problem(s) on {where}:\n" + (
        format_violations(violations)
    )


def save_screenshot(page, name):
    """With SCREENSHOT_DIR set, save a full-page screenshot there (for looking at pages)."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if not folder:
        return None
    path = Path(folder) / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


# --- signing in ---------------------------------------------------------------------------


def confirmed_totp_device(user):
    """A confirmed authenticator-app device for `user`, as if they had set one up."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def current_totp_code(device) -> str:
    """The code the person's authenticator app would show now."""
    from django_otp.oath import totp

    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return str(code).zfill(device.digits)


def sign_in_in_browser(page, live_server, user, totp_device=None, password=None):
    """Sign in through the real form (and the code page, given a device); end on the page
    the site sends the person to."""
    from esafety.testing import PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(user.email)
    page.locator("input[name=password]").fill(password or PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if totp_device is not None:
        page.wait_for_url(re.compile(r"/accounts/two-factor/verify/"))
        page.locator(f"input[name={TWO_FACTOR_FIELD}]").fill(current_totp_code(totp_device))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
    return page


def signed_in_page(browser_page, live_server, user, viewport="desktop"):
    """A new page at `viewport`, signed in as `user` (with a code when their role needs
    two-factor sign-in)."""
    from esafety.roles import requires_two_factor

    page = browser_page(viewport)
    device = confirmed_totp_device(user) if requires_two_factor(user) else None
    return sign_in_in_browser(page, live_server, user, totp_device=device)


def checked(page, label):
    """Save a screenshot (with SCREENSHOT_DIR) and assert axe finds nothing. Called right
    after a click that opens a page, it waits for that page (a busy machine could start
    axe on the old page while the new one replaced it)."""
    from playwright.sync_api import Error as PlaywrightError

    page.wait_for_load_state()
    save_screenshot(page, label)
    try:
        assert_no_axe_violations(page, label)
    except PlaywrightError as error:
        if "documentElement" not in str(error) and "context was destroyed" not in str(error):
            raise
        page.wait_for_load_state()  # the page changed under axe: check the one that stayed
        assert_no_axe_violations(page, label)
