"""The kept dashboard in Chromium, as each person it touches, in the order that would leak
if the kept board were shared: the chair first (who alone counts concerns about staff),
then a trustee, then the headteacher; a parent has no dashboard. A new incident shows on
the trustee's next visit."""

import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from esafety.browser import checked, signed_in_page

from .data import incident, seed_incidents

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]

CHAIR_ONLY = "Concerns about staff (chair of trustees only)"


def _incidents(page) -> str:
    card = page.locator(".governance-tiles .card").filter(has_text="Incidents").first
    return card.locator("p.fs-4").inner_text().split(":")[0].strip()


def test_each_person_sees_their_own_kept_board(personas, live_server, browser_page):
    p = personas
    seed_incidents(p)
    trust_url = f"{live_server.url}/governance/trusts/{p.school.trust_id}/"

    chair = signed_in_page(browser_page, live_server, p.chair)
    chair.goto(trust_url)
    expect(chair.get_by_text(CHAIR_ONLY)).to_be_visible()
    checked(chair, "kept-board-chair")

    trustee = signed_in_page(browser_page, live_server, p.trustee)
    trustee.goto(trust_url)
    expect(trustee.get_by_role("heading", level=1)).to_be_visible()
    assert CHAIR_ONLY not in trustee.content()
    before = _incidents(trustee)
    checked(trustee, "kept-board-trustee")

    head = signed_in_page(browser_page, live_server, p.headteacher)
    head.goto(f"{live_server.url}/governance/")
    expect(head.get_by_role("heading", level=1)).to_have_text("Online safety at Oakwood Primary")
    assert CHAIR_ONLY not in head.content()

    parent = signed_in_page(browser_page, live_server, p.parent)
    assert parent.get_by_role("link", name=re.compile("Governance")).count() == 0
    response = parent.goto(f"{live_server.url}/governance/")
    assert response.status == 403
    expect(parent.get_by_role("heading", level=1)).to_be_visible()  # a page, not a 500

    incident(p.school, p.teacher, 98, timezone.now())
    trustee.reload()
    assert int(_incidents(trustee)) == int(before) + 1
