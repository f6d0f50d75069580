"""Each of the risk register's do-once steps clicked several times at the same moment,
through a real server on the project's database (SQLite, or PostgreSQL in CI): one
record, and every click lands where a single click lands, none on an error."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from esafety.testing_http import clicked_at_once
from incidents.tests.factories import report
from risks import services
from risks.models import RegisterSignOff, RiskIncident, Status
from risks.tests.factories import make_action, make_risk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("data_migrations")]


def test_linking_an_incident_at_once_links_it_once(personas, http_server):
    risk = make_risk(personas.school, personas.esafety_officer)
    incident = report(personas.school, personas.teacher)
    path = reverse("risk-link-incident", args=[incident.pk])
    landed = clicked_at_once(http_server, path, personas.esafety_officer, {"risk": risk.pk})
    assert landed == {risk.get_absolute_url()}
    assert RiskIncident.objects.filter(risk=risk, incident=incident).count() == 1


def test_marking_an_action_done_at_once_marks_it_once(personas, http_server):
    risk = make_risk(personas.school, personas.esafety_officer)
    action = make_action(risk, personas.esafety_officer, personas.teacher)
    path = reverse("risk-action-done", args=[action.pk])
    landed = clicked_at_once(http_server, path, personas.teacher, {"done_on": ""})
    assert landed == {risk.get_absolute_url()}
    action.refresh_from_db()
    assert action.done_by == personas.teacher
    assert [h.history_change_reason for h in action.history.all()].count("Marked as done") == 1


def test_signing_the_register_at_once_signs_it_once(personas, http_server):
    make_risk(personas.school, personas.esafety_officer)
    path = reverse("risk-signoffs", args=[personas.school.slug])
    landed = clicked_at_once(http_server, path, personas.headteacher, {"comment": "Reviewed."})
    assert landed == {path}
    assert RegisterSignOff.objects.filter(school=personas.school).count() == 1


def test_approving_the_register_at_once_approves_it_once(personas, http_server):
    make_risk(personas.school, personas.esafety_officer)
    sign_off = services.sign_register(school=personas.school, by=personas.headteacher)
    path = reverse("risk-signoff-approve", args=[sign_off.pk])
    landed = clicked_at_once(http_server, path, personas.trustee)
    assert landed == {reverse("risk-signoffs", args=[personas.school.slug])}
    sign_off.refresh_from_db()
    assert sign_off.approved_by == personas.trustee
    approvals = [h for h in sign_off.history.all() if h.approved_at is not None]
    assert len({h.approved_at for h in approvals}) == 1


def test_accepting_a_risk_at_once_accepts_it_once(personas, http_server):
    risk = make_risk(personas.school, personas.esafety_officer, likelihood=3, impact=3)
    path = reverse("risk-step", args=[risk.pk, "accept"])
    review_on = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    form = {"reason": "Cost outweighs benefit", "review_on": review_on}
    landed = clicked_at_once(http_server, path, personas.headteacher, form)
    assert landed == {risk.get_absolute_url()}
    risk.refresh_from_db()
    assert risk.status == Status.ACCEPTED and risk.accepted_by == personas.headteacher
    stamps = {h.accepted_at for h in risk.history.all() if h.accepted_at is not None}
    assert len(stamps) == 1 and risk.accepted_at in stamps
    reasons = [h.history_change_reason or "" for h in risk.history.all()]
    assert len([r for r in reasons if r.startswith("Accepted:")]) == 1


def test_recording_a_review_at_once_records_it_once(personas, http_server):
    risk = make_risk(personas.school, personas.esafety_officer)
    path = reverse("risk-step", args=[risk.pk, "review"])
    landed = clicked_at_once(
        http_server, path, personas.esafety_officer, {"note": "Still right this term"}
    )
    assert landed == {risk.get_absolute_url()}
    reasons = [h.history_change_reason for h in risk.history.all()]
    assert reasons.count("Reviewed: Still right this term") == 1
