"""In Chromium: a form's submit buttons disable themselves while it is sending, so a
double click sends one request; a form shown again after a mistake can be sent again;
coming back to the page brings the buttons back; the clicked button's name still goes
with the form."""

import os

import pytest
from playwright.sync_api import expect

from agreements.models import Signature, SignRequest
from agreements.tests.do_once import ACTIONS
from esafety.browser import assert_no_console_errors, signed_in_page
from esafety.models import ParentLink, Role
from esafety.testing import person

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]

SIGN_ONLINE = next(a for a in ACTIONS if a.name == "sign online")
IN_CLASS = next(a for a in ACTIONS if a.name == "record in class")
PAGE_FROM_HISTORY = "window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))"


def fill_in(page, name="Pat Parent"):
    for channel in ("internet", "website", "newspaper", "prospectus", "social_media"):
        page.locator(f"#id_consent_{channel}_0").check()
    page.get_by_label("Type your full name to sign").fill(name)


def test_a_double_click_sends_one_request(personas, live_server, browser_page):
    first = SIGN_ONLINE.setup(personas)
    second_child = person(personas.school, Role.PUPIL, name="Sam Second")
    ParentLink.objects.create(parent=personas.parent, child=second_child, relationship="mother")
    second = SignRequest.objects.create(
        document=first["request"].document,
        version=first["version"],
        person=personas.parent,
        subject=second_child,
        reason=first["request"].reason,
        cycle=first["request"].cycle,
    )
    page = signed_in_page(browser_page, live_server, personas.parent)

    # A mistake, then the same form sent again: both reach the server.
    page.goto(live_server.url + SIGN_ONLINE.request(first)[0])
    page.get_by_role("button", name="Sign for Poppy Pupil").click()
    expect(page.get_by_text("Type your full name to sign.").first).to_be_visible()
    fill_in(page)
    page.get_by_role("button", name="Sign for Poppy Pupil").click()
    expect(page.get_by_text("Signed: Parent agreement.")).to_be_visible()

    # The next form: its POST is answered "204 No Content", so the page stays as it was
    # while the form "sends" (as on a slow connection).
    url = SIGN_ONLINE.request({"request": second, "version": first["version"]})[0]
    page.goto(live_server.url + url)
    fill_in(page)
    posts = []

    def answer_nothing(route):
        if route.request.method != "POST":
            return route.continue_()
        posts.append(route.request)
        return route.fulfill(status=204)

    page.route(f"**{url}", answer_nothing)
    button = page.get_by_role("button", name="Sign for Sam Second")
    button.dblclick(no_wait_after=True)
    expect(button).to_be_disabled()
    page.wait_for_timeout(500)
    assert len(posts) == 1

    # Back at the page from the browser's history: the button works again.
    page.evaluate(PAGE_FROM_HISTORY)
    expect(button).to_be_enabled()
    assert_no_console_errors(page)


def test_the_clicked_buttons_name_is_still_sent(personas, live_server, browser_page):
    """The in-class form tells "Show pupils" from "Record agreement" by the button's name:
    disabling the buttons must not drop it."""
    context = IN_CLASS.setup(personas)
    page = signed_in_page(browser_page, live_server, personas.teacher)
    page.goto(live_server.url + IN_CLASS.request(context)[0])
    page.get_by_label("Class").select_option("5B")
    page.get_by_label("Agreement").select_option(str(context["version"].document_id))
    page.get_by_role("button", name="Show pupils").click()
    page.get_by_label("Poppy Pupil").check()
    page.get_by_role("button", name="Record agreement").click()
    expect(page.get_by_text("Recorded 1 pupil agreement.")).to_be_visible()
    assert Signature.objects.get().subject == personas.pupil
