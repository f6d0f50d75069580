"""A pupil and a parent report a worry in a real browser at desktop and phone widths;
axe finds nothing. SCREENSHOT_DIR=/some/folder saves each page."""

import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esafety.tests.test_browser import check_page, sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_pupil_and_a_parent_report_a_worry(width, personas, live_server, browser_page):
    p = personas
    page = browser_page(width)
    problems = []
    sign_in(page, live_server, p.pupil)
    check_page(page, f"worry-pupil-home-{width}", problems)
    page.get_by_role("link", name="Report a worry").first.click()
    check_page(page, f"worry-pupil-form-{width}", problems)
    page.get_by_label("Another pupil or a friend").check()
    page.get_by_label("What happened?").fill(
        "Someone in my class shared a mean video of my friend."
    )
    page.get_by_label("Online: an app, a game, a website or messages").check()
    page.get_by_role("button", name="Send it").click()
    expect(page.get_by_role("heading", name="Thank you for telling us")).to_be_visible()
    check_page(page, f"worry-pupil-thanks-{width}", problems)

    page.context.clear_cookies()
    sign_in(page, live_server, p.parent)
    page.goto(f"{live_server.url}{reverse('worry-parent', args=[p.school.slug])}")
    check_page(page, f"worry-parent-form-{width}", problems)

    page.context.clear_cookies()  # the public page, as from the school's website
    page.goto(f"{live_server.url}{reverse('worry-pupil', args=[p.school.slug])}")
    expect(page.get_by_text("without your name")).to_be_visible()
    check_page(page, f"worry-public-form-{width}", problems)
    assert not problems, "\n".join(problems)
