"""Two periods side by side must not give away what each hides: "April to November" less
"April to August" is the autumn term, so a count the autumn term hides as small must not
be worked out from the two. Trustees see whole terms only, and a period's figure is shown
only where each of its terms shows its own."""

import re

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from esafety.figures import months_back
from esafety.testing import sign_in
from governance.terms import period_from, whole_terms_around

from .data import TODAY, at, incident
from .test_small_numbers import AREAS, cells, csv_rows

pytestmark = pytest.mark.django_db
NUMBER = re.compile(r"[\d,]+")
BY_MONTH = "Incidents by month, against the same months a year earlier"


@pytest.fixture
def two_terms(personas):
    """Summer term 2026: 10 about content, 7 about conduct. Autumn term 2026 (so far):
    9 about content, 1 about conduct (shown to trustees as "fewer than 5")."""
    p = personas
    with time_machine.travel(TODAY, tick=False):
        n = iter(range(1, 100))
        for _ in range(10):
            incident(p.school, p.teacher, next(n), at(2026, 5, 4, 10), risk_area="content")
        for _ in range(7):
            incident(p.school, p.teacher, next(n), at(2026, 5, 5, 10), risk_area="conduct")
        for _ in range(9):
            incident(p.school, p.teacher, next(n), at(2026, 10, 6, 10), risk_area="content")
        incident(p.school, p.teacher, next(n), at(2026, 10, 7, 10), risk_area="conduct")
        cache.clear()
        yield p


def areas_for(client, school, query) -> dict:
    url = reverse("governance-school-csv", args=[school.slug]) + "?" + query
    return cells(csv_rows(client, url), AREAS)


def test_a_period_does_not_show_what_its_terms_hide(two_terms, client):
    p = two_terms
    sign_in(client, p.trustee)
    with time_machine.travel(TODAY, tick=False):
        autumn = areas_for(client, p.school, "period=term")
        summer = areas_for(client, p.school, "period=custom&from=2026-04&to=2026-08")
        both = areas_for(client, p.school, "period=custom&from=2026-04&to=2026-11")
    assert autumn["Conduct"] == "fewer than 5"
    assert summer["Conduct"] == "7" and summer["Content"] == "10"
    # Before: both terms showed Conduct 8, and 8 - 7 = 1 gave the autumn term's count away.
    for label, text in both.items():
        if not NUMBER.fullmatch(autumn.get(label, "0")) or not NUMBER.fullmatch(
            summer.get(label, "0")
        ):
            assert not NUMBER.fullmatch(text), (label, text)
    assert not NUMBER.fullmatch(both["Conduct"])


def test_months_of_a_trustees_choice_widen_to_whole_terms(two_terms, client):
    p = two_terms
    sign_in(client, p.trustee)
    with time_machine.travel(TODAY, tick=False):
        # October alone would be September to November less September and November.
        page = client.get(
            reverse("governance-school", args=[p.school.slug]),
            {"period": "custom", "from": "2026-10", "to": "2026-10"},
        ).content.decode()
        october = areas_for(client, p.school, "period=custom&from=2026-10&to=2026-10")
        autumn = areas_for(client, p.school, "period=term")
    assert "Sep 2026 to Nov 2026" in page
    assert "Trustees see whole terms" in page
    assert october == autumn


def test_staff_who_see_exact_figures_keep_the_months_they_chose():
    today = TODAY.date()
    period = period_from({"period": "custom", "from": "2026-10", "to": "2026-10"}, today)
    assert period.months == ["2026-10"] and not period.notes
    widened = period_from(
        {"period": "custom", "from": "2026-10", "to": "2026-10"}, today, whole_terms=True
    )
    assert widened.months == ["2026-09", "2026-10", "2026-11"]
    assert widened.label == "Sep 2026 to Nov 2026"


def test_a_term_only_partly_kept_is_left_out_unless_it_is_the_only_one():
    kept = months_back(TODAY.date().replace(year=2025, month=11), count=12)
    assert kept[0] == "2024-12"  # the autumn term 2024 is only partly kept
    # Its one kept month would change as the window moves on: start with the spring term.
    assert whole_terms_around("2024-12", "2025-05", kept) == ("2025-01", "2025-08")
    assert whole_terms_around("2024-12", "2024-12", kept) == ("2024-12", "2024-12")
    assert whole_terms_around("2025-10", "2025-10", kept) == ("2025-09", "2025-11")


def test_a_month_reads_the_same_in_a_longer_period_as_in_its_own_term(two_terms, client):
    """Months are protected within their term: a month shown in "April to November" is
    shown alike when its term is chosen alone, so the two add nothing to each other."""
    p = two_terms
    with time_machine.travel(TODAY, tick=False):
        incident(p.school, p.teacher, 99, at(2026, 9, 8, 10), risk_area="content")
        cache.clear()
        sign_in(client, p.trustee)
        url = reverse("governance-school-csv", args=[p.school.slug])

        def months(query) -> dict:
            return cells(csv_rows(client, f"{url}?{query}"), BY_MONTH, "This period")

        both = months("period=custom&from=2026-04&to=2026-11")
        autumn = months("period=term")
        summer = months("period=custom&from=2026-04&to=2026-08")
    assert autumn["Sep 2026"] == "fewer than 5"  # 1 in September, 9 in October
    assert set(both) == set(summer) | set(autumn)
    for month, text in {**summer, **autumn}.items():
        assert both[month] == text, month
