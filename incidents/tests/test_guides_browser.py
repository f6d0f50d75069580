"""A teacher walks the "Illegal use" guide in a real browser, at desktop and phone
widths, from the list to the incident form filled in; axe finds nothing on any page.
SCREENSHOT_DIR=/some/folder saves each page."""

import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esafety.models_contacts import ContactKind, LocalContact
from esafety.tests.test_browser import check_page, sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_illegal_use_guide_walked_to_the_filled_in_form(
    width, personas, live_server, browser_page
):
    p = personas
    LocalContact.objects.create(
        school=p.school, kind=ContactKind.LADO, name="Oakshire LADO", phone="01632 960123"
    )
    page = browser_page(width)
    problems = []
    sign_in(page, live_server, p.teacher)
    page.goto(f"{live_server.url}{reverse('guide-list', args=[p.school.slug])}")
    expect(page.get_by_role("heading", name="What to do if...")).to_be_visible()
    check_page(page, f"guides-list-{width}", problems)

    page.get_by_role("link", name="Start 'Illegal use'").click()
    expect(page.get_by_role("heading", name="What have you found")).to_be_visible()
    check_page(page, f"guides-question-{width}", problems)
    page.get_by_role("link", name="Suspected child sexual abuse images or videos").click()
    expect(page.get_by_role("heading", name="Do not")).to_be_visible()
    page.get_by_role("link", name="I have done this: what next?").click()
    page.get_by_role("link", name="An adult who works or volunteers here").click()
    expect(page.get_by_text("Oakshire LADO")).to_be_visible()
    check_page(page, f"guides-advice-{width}", problems)
    page.get_by_role("link", name="I have done this: what next?").click()
    check_page(page, f"guides-end-{width}", problems)
    page.get_by_role("button", name="Open the incident form, filled in").click()

    expect(page.get_by_role("heading", name="Log an e-safety incident")).to_be_visible()
    expect(page.get_by_label("A member of staff or volunteer")).to_be_checked()
    expect(page.locator("#id_suspected_illegal_material")).to_be_checked()
    assert (
        page.locator("#id_description")
        .input_value()
        .startswith("Found with the guide 'Illegal use':")
    )
    check_page(page, f"guides-log-form-{width}", problems)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_headteacher_makes_the_schools_copy_and_edits_a_step(
    width, personas, live_server, browser_page
):
    p = personas
    page = browser_page(width)
    problems = []
    sign_in(page, live_server, p.headteacher)
    page.goto(f"{live_server.url}{reverse('guide-list', args=[p.school.slug])}")
    page.get_by_role("link", name="Edit 'Illegal use'").click()
    check_page(page, f"guides-edit-standard-{width}", problems)
    page.get_by_role("button", name="Make Oakwood Primary's own copy to edit").click()
    expect(page.get_by_text("now has its own copy")).to_be_visible()
    check_page(page, f"guides-edit-copy-{width}", problems)
    page.get_by_role("link", name="Edit step 1").click()
    check_page(page, f"guides-step-form-{width}", problems)
    page.get_by_label("Answer 1").fill("Indecent images of a child")
    page.get_by_role("button", name="Save this step").click()
    expect(page.get_by_text("The step is saved.")).to_be_visible()
    page.goto(f"{live_server.url}{reverse('guide-step', args=[p.school.slug, 'illegal-use'])}")
    expect(page.get_by_role("link", name="Indecent images of a child")).to_be_visible()
    assert not problems, "\n".join(problems)
