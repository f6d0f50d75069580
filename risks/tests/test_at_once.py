"""Each of the risk register's do-once steps clicked several times at the same moment,
through a real server on the project's database (SQLite, or PostgreSQL in CI): one
record, and every click lands where a single click lands, none on an error."""

import pytest
from django.urls import reverse

from esafety.testing_http import clicked_at_once
from incidents.tests.factories import report
from risks import services
from risks.models import RegisterSignOff, RiskIncident
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
