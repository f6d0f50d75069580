"""The self-review in Chromium: the officer rates an aspect beside its evidence and sees
the second-look flag; the head signs; the chair reads it and signs; at desktop and phone
widths, axe checks every page on the way (SCREENSHOT_DIR saves them)."""

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from esafety.browser import checked, signed_in_page
from selfreview import services
from selfreview.models import SelfReview
from selfreview.tests.factories import rated_review

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


def signed_in(browser_page, live_server, user, viewport):
    page = signed_in_page(browser_page, live_server, user, viewport)
    expect(page).to_have_url(f"{live_server.url}/")
    return page


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_rate_flag_sign_and_read_the_review(personas, live_server, browser_page, viewport):
    p, base = personas, live_server.url
    review = rated_review(p, level=1)
    services.add_action(
        review=review,
        by=p.esafety_officer,
        text="Log a filtering check every half term",
        owner=p.technician,
        due_on=timezone.localdate() + datetime.timedelta(days=14),
    )
    officer = signed_in(browser_page, live_server, p.esafety_officer, viewport)
    officer.goto(f"{base}/schools/{p.school.slug}/self-review/")
    checked(officer, f"selfreview-school-{viewport}")
    officer.get_by_role("link", name=review.year).click()
    checked(officer, f"selfreview-draft-{viewport}")
    officer.locator(f'a[href="/self-reviews/{review.pk}/rate/filtering/"]').click()
    expect(
        officer.get_by_text("No signed filtering and monitoring review is recorded.")
    ).to_be_visible()
    checked(officer, f"selfreview-rate-{viewport}")
    officer.get_by_label("4 – Established", exact=False).check()
    officer.get_by_label("What the school found").fill("")
    officer.get_by_role("button", name="Save the rating").click()
    expect(officer.get_by_text("Second look:")).to_be_visible()
    checked(officer, f"selfreview-flagged-{viewport}")

    head = signed_in(browser_page, live_server, p.headteacher, viewport)
    head.goto(f"{base}{review.get_absolute_url()}")
    head.get_by_role("button", name="Sign as headteacher").click()
    expect(head.get_by_text("Before signing, say in the notes why Filtering")).to_be_visible()
    services.rate(
        review=review,
        by=p.esafety_officer,
        aspect="filtering",
        level=4,
        notes="Reviewed with the trust's provider in July; kept on paper.",
    )
    head.get_by_role("button", name="Sign as headteacher").click()
    expect(head.get_by_text("You signed the self-review.")).to_be_visible()

    chair = signed_in(browser_page, live_server, p.chair, viewport)
    chair.goto(f"{base}{review.get_absolute_url()}")
    expect(chair.get_by_text("Owner: IT support")).to_be_visible()
    checked(chair, f"selfreview-chair-{viewport}")
    chair.get_by_role("button", name="Sign as chair of trustees").click()
    expect(chair.get_by_text("You signed as chair of trustees.")).to_be_visible()
    checked(chair, f"selfreview-signed-{viewport}")
    chair.goto(f"{base}/trust/self-reviews/")
    checked(chair, f"selfreview-trust-{viewport}")
    assert SelfReview.objects.get(pk=review.pk).stage == "signed"
