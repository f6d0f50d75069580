"""IT support works a leaver's checklist in a real browser at desktop and phone widths:
the list, the checklist, a risk handed over, the accounts recorded, the checklist
completed; axe finds nothing. SCREENSHOT_DIR=/some/folder saves each page."""

import os

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from devices import leavers
from devices.tests import factories
from esafety.models import Membership
from esafety.tests.test_browser import check_page, sign_in
from risks.tests.factories import make_risk

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest_plugins = ["esafety.browser"]


@pytest.fixture
def data_migrations():
    """The scoring matrix a data migration adds (transactional tests empty every table)."""
    from risks.models import SEED_BANDS, Matrix

    Matrix.objects.get_or_create(
        trust=None, is_current=True, defaults={"name": "3 x 3", "size": 3, "bands": SEED_BANDS}
    )


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_technician_works_a_leavers_checklist(
    width, personas, live_server, browser_page, data_migrations
):
    p = personas
    loan = factories.lend(p, borrower=p.teacher, hand_over=True)
    risk = make_risk(p.school, p.esafety_officer, owners=[p.teacher])
    membership = Membership.objects.get(user=p.teacher, school=p.school)
    membership.ended_on = timezone.localdate()
    membership.save()
    checklist = leavers.open_checklist(membership=membership, destination="Elmridge Primary")
    page = browser_page(width)
    problems = []
    sign_in(page, live_server, p.technician)
    check_page(page, f"leavers-home-{width}", problems)
    page.goto(f"{live_server.url}{reverse('leaver-checklists', args=[p.school.slug])}")
    check_page(page, f"leavers-list-{width}", problems)
    page.get_by_role("link", name="Terry Teacher").click()
    check_page(page, f"leavers-detail-{width}", problems)

    page.get_by_label("Hand over to").select_option(label="Eddie Officer")
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_text(f"Risk {risk.reference} was handed over")).to_be_visible()

    page.get_by_role("link", name="Record accounts closed").click()
    check_page(page, f"leavers-accounts-{width}", problems)
    today = timezone.localdate().isoformat()
    for label in ("School email", "MIS", "Filtering and monitoring"):
        page.get_by_label(label).fill(today)
    page.get_by_role("button", name="Save the accounts").click()
    expect(page.get_by_text("The accounts were saved")).to_be_visible()
    page.get_by_role("button", name="Mark the checklist complete").click()
    expect(page.get_by_text("still to return or hand over")).to_be_visible()  # the laptop
    check_page(page, f"leavers-detail-refused-{width}", problems)

    loan.refresh_from_db()
    page.goto(f"{live_server.url}{reverse('loan-return', args=[loan.pk])}")
    page.get_by_label("Condition it came back in").select_option(value="good")
    for box in ("Charger", "PIN and IDs", "Factory reset"):
        page.get_by_label(box).check()
    page.get_by_role("button", name="Record the return").click()
    expect(page.get_by_text("is back and in store")).to_be_visible()
    page.goto(f"{live_server.url}{checklist.get_absolute_url()}")
    page.get_by_role("button", name="Mark the checklist complete").click()
    expect(page.get_by_text("is complete").first).to_be_visible()
    check_page(page, f"leavers-detail-complete-{width}", problems)
    assert not problems, "\n".join(problems)
