"""The chair sets up Microsoft sign-in in a real browser, at desktop and phone widths,
and the sign-in page then offers the school account; axe finds nothing.

SCREENSHOT_DIR=/some/folder saves a screenshot of each page."""

import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esafety.models import TrustSignIn
from esafety.tests.test_browser import check_page, sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_chair_sets_up_microsoft_sign_in(width, personas, live_server, browser_page):
    page = browser_page(width)
    problems = []
    sign_in(page, live_server, personas.chair)
    page.goto(f"{live_server.url}{reverse('trust-sign-in')}")
    check_page(page, f"trust-sign-in-{width}", problems)
    page.get_by_role("link", name="Set up Microsoft 365").click()
    check_page(page, f"trust-sign-in-edit-{width}", problems)
    page.get_by_label("Directory (tenant) ID").fill("common")
    page.get_by_label("Email domains").fill("oakwood.example")
    page.get_by_role("button", name="Save").click()
    # Bad input: each problem said on the form, nothing saved.
    expect(page.get_by_text("The directory (tenant) ID is a code like").first).to_be_visible()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    check_page(page, f"trust-sign-in-edit-errors-{width}", problems, status=400)
    assert not TrustSignIn.objects.exists()
    page.get_by_label("Directory (tenant) ID").fill("6f1c3a52-0d7e-4c4b-9a53-2b0e8a1d9c11")
    page.get_by_label("Application (client) ID").fill("0e1d2c3b-client")
    page.get_by_label("Client secret").fill("a-secret-from-entra")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Microsoft 365 (Entra ID) sign-in is saved.")).to_be_visible()
    # The domain waits for its DNS proof: its TXT record to add, and a button to check.
    expect(page.get_by_text("oakwood.example (not proved yet)")).to_be_visible()
    expect(page.get_by_role("button", name="Check now for oakwood.example")).to_be_visible()
    expect(page.get_by_text("esafety-verification=")).to_be_visible()
    check_page(page, f"trust-sign-in-saved-{width}", problems)
    assert "a-secret-from-entra" not in page.content()

    page = browser_page(width)  # someone signing in
    page.goto(f"{live_server.url}{reverse('login')}")
    expect(page.get_by_role("button", name="Continue with my school account")).to_be_visible()
    check_page(page, f"sign-in-with-school-account-{width}", problems)
    assert not problems, "\n".join(problems)
