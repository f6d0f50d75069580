"""Scoring on a matrix held as data: the seed's 3 x 3 (HIGH (9)), a trust's 5 x 5, and
re-scoring that keeps every earlier score."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from risks import services
from risks.models import Matrix
from risks.tests.factories import make_risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_matrix():
    return Matrix.objects.get(trust__isnull=True, is_current=True)


@pytest.mark.parametrize(
    ("likelihood", "impact", "label"),
    [
        (1, 1, "LOW (1)"),
        (1, 2, "LOW (2)"),
        (1, 3, "MEDIUM (3)"),
        (2, 2, "MEDIUM (4)"),
        (2, 3, "HIGH (6)"),
        (3, 3, "HIGH (9)"),
    ],
)
def test_the_seeds_3x3_bands(seed_matrix, likelihood, impact, label):
    assert seed_matrix.label(likelihood, impact) == label


def test_the_seeds_example_is_high_9_reviewed_every_term_and_only_the_head_accepts_it(personas):
    risk = make_risk(personas.school, personas.esafety_officer, likelihood=3, impact=3)
    assert risk.assessment_label == "HIGH (9)"
    assert risk.reference == "R-001"
    assert risk.head_only
    assert risk.review_due == services.add_months(timezone.localdate(), 4)
    medium = make_risk(personas.school, personas.esafety_officer, likelihood=2, impact=2)
    assert medium.assessment_label == "MEDIUM (4)" and not medium.head_only
    assert medium.reference == "R-002"
    assert medium.review_due == services.add_months(timezone.localdate(), 12)


def test_a_score_off_the_grid_is_a_form_message_not_a_crash(personas):
    with pytest.raises(ValidationError) as error:
        make_risk(personas.school, personas.esafety_officer, likelihood=4, impact=3)
    assert "likelihood" in error.value.message_dict


def test_a_trust_can_choose_a_5x5_with_its_own_bands(personas, seed_matrix):
    trust = personas.school.trust
    old = make_risk(personas.school, personas.esafety_officer, likelihood=3, impact=3)
    bands = services.parse_bands("LOW 1-4, MEDIUM 5-9, HIGH 10-16, VERY HIGH 17-25", 5)
    matrix = services.choose_matrix(trust=trust, by=personas.chair, size=5, bands=bands)
    assert [matrix.label(*s) for s in [(2, 2), (1, 5), (2, 5), (4, 5), (5, 5)]] == [
        "LOW (4)",
        "MEDIUM (5)",
        "HIGH (10)",
        "VERY HIGH (20)",
        "VERY HIGH (25)",
    ]
    new = make_risk(personas.school, personas.esafety_officer, likelihood=4, impact=5)
    assert new.matrix == matrix and new.assessment_label == "VERY HIGH (20)" and new.head_only
    # Nothing rescaled silently: the old risk keeps the 3 x 3 until it is re-scored.
    old.refresh_from_db()
    assert old.matrix == seed_matrix and old.assessment_label == "HIGH (9)"
    services.rescore(
        risk=old,
        by=personas.esafety_officer,
        inherent_likelihood=5,
        inherent_impact=5,
        likelihood=3,
        impact=3,
        likelihood_reason="r",
        impact_reason="r",
    )
    old.refresh_from_db()
    assert old.matrix == matrix and old.assessment_label == "MEDIUM (9)"
    # Another trust still uses the seed's matrix.
    assert Matrix.objects.current_for(None) == seed_matrix


@pytest.mark.parametrize(
    "text",
    ["LOW 1-4, HIGH 6-25", "LOW 1-4, HIGH 5-20", "nonsense", "LOW 1-4 MEDIUM 5-25 extra"],
)
def test_bands_must_cover_the_grid_in_order(text):
    with pytest.raises(ValidationError):
        services.parse_bands(text, 5)


def test_rescoring_keeps_every_earlier_score(personas):
    officer = personas.esafety_officer
    risk = make_risk(personas.school, officer, likelihood=3, impact=3)
    services.rescore(
        risk=risk,
        by=officer,
        inherent_likelihood=3,
        inherent_impact=3,
        likelihood=2,
        impact=2,
        likelihood_reason="Laptops filtered at home now",
        impact_reason="Pupils and parents briefed",
        note="Mitigation in place",
    )
    risk.refresh_from_db()
    assert risk.assessment_label == "MEDIUM (4)"
    assert risk.inherent_label == "HIGH (9)"
    history = [(a.label, a.inherent_label) for a in risk.assessments.all()]
    assert history == [("HIGH (9)", "HIGH (9)"), ("MEDIUM (4)", "HIGH (9)")]
    assert risk.history.first().history_user == officer
    assert risk.history.first().history_change_reason == "Re-scored: MEDIUM (4)"


def test_rescoring_needs_both_justifications(personas):
    risk = make_risk(personas.school, personas.esafety_officer)
    with pytest.raises(ValidationError) as error:
        services.rescore(
            risk=risk,
            by=personas.esafety_officer,
            inherent_likelihood=3,
            inherent_impact=3,
            likelihood=1,
            impact=1,
            likelihood_reason=" ",
            impact_reason="",
        )
    assert set(error.value.message_dict) == {"likelihood_reason", "impact_reason"}
    assert risk.assessments.count() == 1


def test_add_months_keeps_the_end_of_the_month():
    import datetime

    assert services.add_months(datetime.date(2027, 1, 31), 1) == datetime.date(2027, 2, 28)
    assert services.add_months(datetime.date(2028, 2, 29), 12) == datetime.date(2029, 2, 28)
    assert services.add_months(datetime.date(2026, 11, 30), 4) == datetime.date(2027, 3, 30)
