"""Incident reports from a product the school connects (POST /api/v1/incidents/): the log
form's checks, routed like a report a member of staff logs, marked as from an
integration, the same reference sent again (or at once) kept as one incident, and the
key's maker no reader of what it sends."""

import pytest
from django.urls import reverse
from django.utils import timezone

from esafety.api.tokens import make_token
from esafety.testing import sign_in
from incidents.models import Incident, Source, Status

REPORTS = "/api/v1/incidents/"


@pytest.fixture
def key(personas):
    personas.pupil.email = "poppy@oakwood.example"
    personas.pupil.save()
    _, key = make_token(
        school=personas.school,
        name="Safeguarding app",
        scopes=["incidents.create"],
        by=personas.technician,
    )
    return key


def report(**changes):
    sent = {
        "reference": "case-1001",
        "child_at_risk_now": "no",
        "contact_from_older": "no",
        "image_of_child": "no",
        "subject": "pupil",
        "occurred_at": timezone.now().isoformat(),
        "location": "online",
        "description": "A pupil said a group chat was sending unkind messages about them.",
        "people": [{"person": "poppy@oakwood.example", "part": "target"}],
    }
    sent.update(changes)
    return {k: v for k, v in sent.items() if v is not None}


def send(client, key, payload):
    return client.post(
        REPORTS,
        payload,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


def test_a_report_reaches_the_officers_queue_marked_as_from_an_integration(personas, client, key):
    answer = send(client, key, report())
    assert answer.status_code == 201, answer.json()
    assert answer.json()["created"] is True and answer.json()["sent_to_someone"] is True
    incident = Incident.objects.get()
    assert incident.number == answer.json()["incident"]
    assert incident.source == Source.INTEGRATION and incident.status == Status.REPORTED
    assert incident.routed_to == personas.esafety_officer
    assert [p.person for p in incident.people.all()] == [personas.pupil]
    sign_in(client, personas.esafety_officer)
    queue = client.get(reverse("incident-queue")).content.decode()
    assert incident.number in queue and "From an integration" in queue


def test_a_concern_about_a_member_of_staff_goes_to_the_headteacher(personas, client, key):
    send(client, key, report(subject="staff", reference="case-1002"))
    assert Incident.objects.get().routed_to == personas.headteacher


def test_the_same_report_sent_again_returns_the_first_incident(personas, client, key):
    sent = report()
    first = send(client, key, sent)
    again = send(client, key, sent)  # the product's retry
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["incident"] == first.json()["incident"]
    assert Incident.objects.count() == 1


def test_a_different_report_under_a_used_reference_is_refused_not_lost(personas, client, key):
    first = send(client, key, report())
    other = send(client, key, report(description="A different pupil, a different chat."))
    assert other.status_code == 409
    assert first.json()["incident"] in other.json()["detail"]
    assert Incident.objects.count() == 1


def test_two_products_may_use_the_same_reference(personas, client, key):
    _, second_key = make_token(
        school=personas.school,
        name="Helpdesk",
        scopes=["incidents.create"],
        by=personas.technician,
    )
    send(client, key, report())
    answer = send(client, second_key, report(description="The helpdesk's own case 1001."))
    assert answer.status_code == 201 and answer.json()["created"] is True
    assert Incident.objects.count() == 2


def test_the_log_forms_checks_refuse_a_bad_report_with_reasons(personas, client, key):
    future = (timezone.now() + timezone.timedelta(days=2)).isoformat()
    answer = send(client, key, report(child_at_risk_now="maybe", location="nowhere"))
    assert answer.status_code == 400
    assert set(answer.json()) == {"child_at_risk_now", "location"}
    answer = send(client, key, report(screenshot="data:image/png;base64,AAAA"))
    assert answer.json() == {"screenshot": "Not a field of this request."}
    assert not Incident.objects.exists()
    answer = send(client, key, report(occurred_at=future))
    assert answer.status_code == 400
    assert "can't be in the future" in str(answer.json()["occurred_at"])
    answer = send(
        client, key, report(people=[{"person": "nobody@oakwood.example", "part": "target"}])
    )
    assert answer.status_code == 400
    assert "Nobody in post" in str(answer.json()["people[0].person"])
    assert not Incident.objects.exists()


def test_the_keys_maker_is_no_reader_of_the_reports_it_sends(personas, client, key):
    number = send(client, key, report()).json()["incident"]
    incident = Incident.objects.get(number=number)
    sign_in(client, personas.technician)
    assert client.get(incident.get_absolute_url()).status_code == 404
    assert number not in client.get(reverse("my-incidents")).content.decode()


def test_a_key_without_the_scope_is_refused(personas, client):
    _, other = make_token(
        school=personas.school, name="Alerts", scopes=["monitoring.alerts"], by=personas.technician
    )
    assert send(client, other, report()).status_code == 403
    assert not Incident.objects.exists()


def test_the_same_report_sent_five_times_at_once_makes_one_incident(personas, key, http_server):
    server = http_server()
    replies = server.json_at_once(REPORTS, [report()] * 5, key=key)
    assert sorted(r.status for r in replies) == [200] * 4 + [201], [r.body for r in replies]
    server.sync()
    assert Incident.objects.count() == 1
