"""Acceptance (only the head above MEDIUM, only with a reason), closing, actions done
once, the starter library and the yearly sign-off, each safe against a double submit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from esafety.roles import allowed
from risks import services
from risks.models import Assessment, RegisterSignOff, Risk, Status
from risks.starter import STARTER_RISKS
from risks.tests.factories import make_action, make_risk

pytestmark = pytest.mark.django_db
LATER = timezone.localdate() + datetime.timedelta(days=90)


def test_only_the_headteacher_may_accept_a_risk_above_medium(personas):
    high = make_risk(personas.school, personas.esafety_officer, likelihood=3, impact=3)
    assert not allowed(personas.esafety_officer, "risks.accept", high)
    assert not allowed(personas.technician, "risks.accept", high)
    assert allowed(personas.headteacher, "risks.accept", high)
    assert not allowed(personas.other_school_headteacher, "risks.accept", high)
    medium = make_risk(personas.school, personas.esafety_officer, likelihood=2, impact=2)
    assert allowed(personas.esafety_officer, "risks.accept", medium)


def test_accepting_needs_a_reason_and_a_later_review_date(personas):
    risk = make_risk(personas.school, personas.esafety_officer, likelihood=3, impact=3)
    with pytest.raises(ValidationError) as error:
        services.accept_risk(risk=risk, by=personas.headteacher, reason="  ", review_on=None)
    assert set(error.value.message_dict) == {"reason", "review_on"}
    services.accept_risk(
        risk=risk, by=personas.headteacher, reason="Cost outweighs benefit", review_on=LATER
    )
    risk.refresh_from_db()
    assert risk.status == Status.ACCEPTED and risk.review_due == LATER
    assert risk.accepted_by == personas.headteacher
    assert risk.history.first().history_user == personas.headteacher


def test_the_accept_page_refuses_the_officer_and_asks_the_head_for_a_reason(personas, client):
    from esafety.testing import sign_in

    risk = make_risk(personas.school, personas.esafety_officer, likelihood=3, impact=3)
    url = f"/risks/{risk.pk}/accept/"
    sign_in(client, personas.esafety_officer)
    assert client.post(url, {"reason": "x", "review_on": LATER}).status_code == 403
    sign_in(client, personas.headteacher)
    response = client.post(url, {"reason": "", "review_on": "not a date"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert client.post(url, {"reason": "Low cost", "review_on": LATER}).status_code == 302


def test_closing_needs_a_reason_and_deletes_nothing(personas):
    risk = make_risk(personas.school, personas.esafety_officer)
    with pytest.raises(ValidationError):
        services.close_risk(risk=risk, by=personas.esafety_officer, reason="")
    services.close_risk(risk=risk, by=personas.esafety_officer, reason="Laptops withdrawn")
    assert Risk.objects.get(pk=risk.pk).status == Status.CLOSED
    with pytest.raises(ValidationError):
        services.rescore(
            risk=risk,
            by=personas.esafety_officer,
            inherent_likelihood=1,
            inherent_impact=1,
            likelihood=1,
            impact=1,
            likelihood_reason="r",
            impact_reason="r",
        )


def test_an_action_is_marked_done_once(personas):
    risk = make_risk(personas.school, personas.esafety_officer)
    action = make_action(risk, personas.esafety_officer, personas.teacher)
    assert allowed(personas.teacher, "risks.complete_action", action)
    services.complete_action(action=action, by=personas.teacher)
    with pytest.raises(ValidationError):
        services.complete_action(action=action, by=personas.teacher)  # a double submit
    action.refresh_from_db()
    assert action.done_by == personas.teacher
    assert action.history.first().history_user == personas.teacher
    assert not allowed(personas.teacher, "risks.complete_action", action)


def test_a_starter_risk_is_adopted_once_with_the_seeds_scores(personas):
    risk = services.adopt_starter(
        school=personas.school, by=personas.esafety_officer, key="home-laptop"
    )
    assert risk.inherent_label == "HIGH (9)" and risk.assessment_label == "HIGH (9)"
    assert set(risk.owners.all()) == {personas.esafety_officer, personas.technician}
    with pytest.raises(ValidationError):
        services.adopt_starter(
            school=personas.school, by=personas.esafety_officer, key="home-laptop"
        )
    assert Risk.objects.filter(school=personas.school).count() == 1
    # Another school may adopt the same starter.
    services.adopt_starter(
        school=personas.other_school, by=personas.other_school_headteacher, key="home-laptop"
    )


def test_the_library_has_the_seeds_example_and_a_dozen_more():
    keys = [s.key for s in STARTER_RISKS]
    assert keys[0] == "home-laptop" and len(keys) >= 13 and len(set(keys)) == len(keys)


def test_the_register_is_signed_once_a_year_with_its_pdf_frozen(personas):
    make_risk(personas.school, personas.esafety_officer)
    sign_off = services.sign_register(school=personas.school, by=personas.headteacher)
    assert sign_off.pdf_sha256 == services.pdf_hash(bytes(sign_off.pdf))
    assert sign_off.risk_count == 1
    with pytest.raises(ValidationError):
        services.sign_register(school=personas.school, by=personas.headteacher)
    services.approve_register(sign_off=sign_off, by=personas.trustee)
    with pytest.raises(ValidationError):
        services.approve_register(sign_off=sign_off, by=personas.chair)
    assert RegisterSignOff.objects.get().approved_by == personas.trustee


def test_assessments_are_never_changed_only_added(personas):
    risk = make_risk(personas.school, personas.esafety_officer)
    first = Assessment.objects.get(risk=risk)
    risk = services.record_review(risk=risk, by=personas.esafety_officer, note="Still right")
    assert Assessment.objects.get(risk=risk) == first
    assert risk.last_reviewed_on == timezone.localdate()
