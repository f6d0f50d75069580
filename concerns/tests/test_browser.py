"""A teacher raises a low-level concern and the headteacher reviews it, in a real
browser at desktop and phone widths; axe finds nothing. SCREENSHOT_DIR=/some/folder
saves each page."""

import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from concerns.tests.factories import concern
from esafety.tests.test_browser import check_page, sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_concern_raised_and_reviewed(width, personas, live_server, browser_page):
    p = personas
    concern(p.school, p.esafety_officer, p.technician, text="Earlier: shouted at a pupil.")
    page = browser_page(width)
    problems = []
    sign_in(page, live_server, p.teacher)
    page.goto(f"{live_server.url}{reverse('concern-create', args=[p.school.slug])}")
    check_page(page, f"concern-form-{width}", problems)
    page.get_by_label("Who is it about?").select_option(label="Tess Technician")
    page.get_by_label("What happened, or what did you see or hear?").fill(
        "Gave a pupil her personal phone number at the end of the club."
    )
    page.get_by_role("button", name="Send it to the headteacher in confidence").click()
    expect(page.get_by_role("heading", name="Thank you for telling us")).to_be_visible()
    check_page(page, f"concern-sent-{width}", problems)

    page.context.clear_cookies()
    sign_in(page, live_server, p.headteacher)
    expect(page.get_by_role("heading", name="Low-level concerns to review")).to_be_visible()
    page.goto(f"{live_server.url}{reverse('concern-list', args=[p.school.slug])}")
    check_page(page, f"concern-list-{width}", problems)
    page.get_by_role("link", name="LLC-", exact=False).last.click()
    check_page(page, f"concern-detail-{width}", problems)
    expect(page.get_by_text("pattern to consider")).to_be_visible()
    page.get_by_label("Spoken to the person").check()
    page.get_by_label("What was done and why").fill("Talked it through; code of conduct.")
    page.get_by_role("button", name="Record the response").click()
    expect(page.get_by_text("Your response to")).to_be_visible()
    page.get_by_role("link", name="All concerns about them, in order").click()
    check_page(page, f"concern-person-{width}", problems)
    page.goto(f"{live_server.url}{reverse('concern-patterns', args=[p.school.slug])}")
    check_page(page, f"concern-patterns-{width}", problems)
    assert not problems, "\n".join(problems)


def test_a_concern_about_the_head_reaches_the_chair_only(personas, live_server, browser_page):
    p = personas
    about_head = concern(p.school, p.teacher, p.headteacher, text="Posted a pupil's photo.")
    page = browser_page("desktop")
    problems = []
    sign_in(page, live_server, p.headteacher)
    expect(page.get_by_text(about_head.number)).to_have_count(0)
    page.goto(f"{live_server.url}{reverse('concern-list', args=[p.school.slug])}")
    expect(page.get_by_text("No concerns to review.")).to_be_visible()
    page.goto(f"{live_server.url}{about_head.get_absolute_url()}")
    expect(page.get_by_role("heading", name=about_head.number)).to_have_count(0)

    page = browser_page("desktop")  # a fresh page: the head's "not found" stays with theirs
    sign_in(page, live_server, p.chair)
    page.get_by_role("link", name=about_head.number, exact=True).click()
    check_page(page, "concern-head-chair-desktop", problems)
    expect(page.get_by_text("Posted a pupil's photo.")).to_be_visible()
    page.goto(f"{live_server.url}{reverse('concern-trust-patterns')}")
    check_page(page, "concern-trust-chair-desktop", problems)
    expect(page.get_by_text("Hana Head")).to_be_visible()
    assert not problems, "\n".join(problems)
