"""What the register asks of people without being looked for: the empty register offers
the starter library, the head is asked to sign off the year's register and trustees to
approve it, a matrix change is said out loud on the risk, and trustees are not sent to
pages they may not open."""

import pytest
from django.urls import reverse

from esafety.testing import sign_in
from risks import services
from risks.tests.factories import make_risk, recorded_review

pytestmark = pytest.mark.django_db


def home(client, user):
    sign_in(client, user)
    return client.get(reverse("home")).content.decode()


def test_an_empty_register_offers_the_starter_library_on_the_home_page(personas, client):
    starter = reverse("risk-starter", args=[personas.school.slug])
    assert starter in home(client, personas.esafety_officer)
    make_risk(personas.school, personas.esafety_officer)
    assert starter not in home(client, personas.esafety_officer)


def test_the_head_is_asked_to_sign_off_then_a_trustee_to_approve(personas, client):
    make_risk(personas.school, personas.esafety_officer)
    sign_offs = reverse("risk-signoffs", args=[personas.school.slug])
    assert "Sign off this year's register" in home(client, personas.headteacher)
    assert sign_offs not in home(client, personas.trustee)

    record = services.sign_register(school=personas.school, by=personas.headteacher)
    assert "Sign off this year" not in home(client, personas.headteacher)
    page = home(client, personas.trustee)
    assert "Approve the risk register" in page and sign_offs in page
    trust = client.get(reverse("risk-trust")).content.decode()
    assert "waiting for a trustee's approval" in trust

    services.approve_register(sign_off=record, by=personas.trustee)
    assert "Approve the risk register" not in home(client, personas.trustee)


def test_a_signed_filtering_review_asks_a_trustee_to_sign(personas, client):
    review = recorded_review(personas.school, personas.headteacher, personas.esafety_officer)
    assert "Sign the filtering and monitoring review" in home(client, personas.trustee)
    from risks import filtering

    filtering.trustee_sign(review=review, by=personas.trustee)
    assert "Sign the filtering and monitoring review" not in home(client, personas.trustee)


def test_trustees_are_not_linked_to_a_review_in_progress(personas, client):
    review = recorded_review(
        personas.school, personas.headteacher, personas.esafety_officer, sign=False
    )
    sign_in(client, personas.trustee)
    page = client.get(reverse("filtering", args=[personas.school.slug])).content.decode()
    assert "in progress" in page and review.get_absolute_url() not in page
    sign_in(client, personas.esafety_officer)
    page = client.get(reverse("filtering", args=[personas.school.slug])).content.decode()
    assert review.get_absolute_url() in page


def _five_by_five(personas):
    bands = services.parse_bands("LOW 1-4, MEDIUM 5-9, HIGH 10-16, VERY HIGH 17-25", 5)
    return services.choose_matrix(
        trust=personas.school.trust, by=personas.chair, size=5, bands=bands
    )


def test_a_matrix_change_is_shown_on_each_risk_until_it_is_rescored(personas, client):
    risk = make_risk(personas.school, personas.esafety_officer, likelihood=3, impact=3)
    _five_by_five(personas)
    sign_in(client, personas.esafety_officer)
    page = client.get(risk.get_absolute_url()).content.decode()
    assert "keeps its scores on the 3 x 3 (the policy&#x27;s matrix) matrix until" in page
    assert "HIGH (9)" in page  # not rescaled
    services.rescore(
        risk=risk,
        by=personas.esafety_officer,
        inherent_likelihood=5,
        inherent_impact=5,
        likelihood=2,
        impact=3,
        likelihood_reason="r",
        impact_reason="r",
    )
    page = client.get(risk.get_absolute_url()).content.decode()
    assert "until it is re-scored" not in page and "MEDIUM (6)" in page


def test_a_starter_adopted_onto_a_5x5_says_its_scores_were_scaled(personas):
    _five_by_five(personas)
    risk = services.adopt_starter(
        school=personas.school, by=personas.esafety_officer, key="home-laptop"
    )
    assert (risk.likelihood, risk.impact) == (5, 5)
    assert "Suggested as 3 on the 3 x 3 matrix; scaled to 5 of 5" in risk.likelihood_reason
    assert "scaled to 5 of 5" in risk.impact_reason
