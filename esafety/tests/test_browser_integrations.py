"""The integrations pages in a real browser at desktop and phone widths: IT support makes
a key (shown once), sees its uses and reads the API's documentation; the e-safety
officer matches a monitoring alert about a pupil who was not found and finds it on the
queue; IT support does not find it among what they reported. axe finds nothing.

SCREENSHOT_DIR=/some/folder saves a screenshot of each page."""

import json
import os
import urllib.request

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esafety.tests.test_browser import check_page, sign_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


def send_alert(live_server, key, pupil):
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/monitoring-alerts/",
        data=json.dumps(
            {
                "pupil": pupil,
                "occurred_at": "2026-12-07T09:15:00+00:00",
                "device": "LAPTOP-07",
                "category": "Cyberbullying",
                "keywords": "nobody likes you",
                "severity": "high",
                "description": "A message sent to another pupil in a class chat.",
            }
        ).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as answer:
        return json.loads(answer.read())


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_keys_and_held_alerts_pages(width, personas, live_server, browser_page):
    page = browser_page(width)
    problems = []
    school = personas.school
    sign_in(page, live_server, personas.technician)
    page.goto(f"{live_server.url}{reverse('api-tokens', args=[school.slug])}")
    check_page(page, f"integrations-{width}", problems)
    page.get_by_label("What it is for").fill("Smoothwall monitoring alerts")
    page.get_by_label("send alerts from the school's web filtering").check()
    page.get_by_role("button", name="Make the key").click()
    key = page.get_by_label("Key", exact=True).input_value()
    assert key.startswith("esk_")
    check_page(page, f"integrations-new-key-{width}", problems)
    assert send_alert(live_server, key, "not.known@pupils.example")["status"] == "held"
    page.get_by_role("link", name="of the key for Smoothwall").click()
    check_page(page, f"integrations-uses-{width}", problems)
    page.goto(f"{live_server.url}{reverse('api-docs')}")
    check_page(page, f"api-docs-{width}", problems)

    page = browser_page(width)  # the officer's own browser
    sign_in(page, live_server, personas.esafety_officer)
    page.goto(f"{live_server.url}{reverse('monitoring-held', args=[school.slug])}")
    check_page(page, f"monitoring-held-{width}", problems)
    page.get_by_role("link", name="Match to a pupil").first.click()
    check_page(page, f"monitoring-match-{width}", problems)
    page.get_by_role("combobox", name="Pupil").fill("Poppy")
    page.get_by_role("option", name="Poppy Pupil").first.click()
    page.get_by_role("button", name="Match to this pupil").click()
    expect(page.get_by_text("The alert was raised as incident")).to_be_visible()
    page.goto(f"{live_server.url}{reverse('incident-queue')}")
    expect(page.get_by_text("From monitoring").locator("visible=true").first).to_be_visible()
    check_page(page, f"queue-from-monitoring-{width}", problems)

    # IT support made the key: the incidents it raised are not theirs to read.
    page = browser_page(width)
    sign_in(page, live_server, personas.technician)
    page.goto(f"{live_server.url}{reverse('my-incidents')}")
    expect(page.get_by_text("From monitoring")).to_have_count(0)
    check_page(page, f"technician-my-incidents-{width}", problems)
    assert not problems, "\n\n".join(problems)
