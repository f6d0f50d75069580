"""Alerts from a school's monitoring product reach the e-safety officer's queue through
the API (incidents/monitoring.py): an incident "from monitoring", repeats folded into it
with a count, an unknown pupil held for the officer to match, a malformed alert refused
with a 400 that says why, never an image."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from esafety.api.tokens import make_token
from esafety.models import Notification
from esafety.testing import sign_in
from incidents.models import Answer, Incident, MonitoringAlert, Source, Status

ALERTS = "/api/v1/monitoring-alerts/"


@pytest.fixture
def key(personas):
    personas.pupil.email = "poppy@oakwood.example"
    personas.pupil.save()
    _, key = make_token(
        school=personas.school,
        name="Smoothwall monitoring",
        scopes=["monitoring.alerts"],
        by=personas.technician,
    )
    return key


def alert(**changes):
    sent = {
        "pupil": "poppy@oakwood.example",
        "occurred_at": timezone.now().isoformat(),
        "device": "LAPTOP-07",
        "category": "Cyberbullying",
        "keywords": "loser, nobody likes you",
        "severity": "medium",
        "description": "A message sent to another pupil in a chat.",
    }
    sent.update(changes)
    return {k: v for k, v in sent.items() if v is not None}


def send(client, key, payload):
    return client.post(
        ALERTS, payload, content_type="application/json", headers={"Authorization": f"Bearer {key}"}
    )


def test_an_alert_becomes_an_incident_from_monitoring_on_the_officers_queue(personas, client, key):
    answer = send(client, key, alert())
    assert answer.status_code == 201, answer.json()
    assert answer.json()["status"] == "raised"
    incident = Incident.objects.get()
    assert incident.source == Source.MONITORING and incident.status == Status.REPORTED
    assert incident.routed_to == personas.esafety_officer
    assert incident.number == answer.json()["incident"]
    assert [(p.person, p.part) for p in incident.people.all()] == [(personas.pupil, "target")]
    assert "Cyberbullying" in incident.description and incident.device_description == "LAPTOP-07"
    assert Notification.objects.filter(recipient=personas.esafety_officer).exists()
    sign_in(client, personas.esafety_officer)
    queue = client.get(reverse("incident-queue")).content.decode()
    assert incident.number in queue and "From monitoring" in queue
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "Alerts from monitoring (1)" in page and "nobody likes you" in page


def test_repeats_within_the_hour_fold_into_one_incident_with_a_count(personas, client, key):
    first = send(client, key, alert()).json()
    again = send(client, key, alert(description="Another message.")).json()
    assert again["status"] == "folded" and again["incident"] == first["incident"]
    assert again["alerts_in_incident"] == 2
    other_kind = send(client, key, alert(category="Self-harm")).json()
    assert other_kind["status"] == "raised"  # another category is another concern
    assert Incident.objects.count() == 2


def test_after_the_window_or_once_closed_an_alert_raises_a_new_incident(personas, client, key):
    send(client, key, alert())
    later = timezone.now() + datetime.timedelta(minutes=61)
    with override_settings(MONITORING_FOLD_MINUTES=60):
        import time_machine

        with time_machine.travel(later):
            assert send(client, key, alert()).json()["status"] == "raised"
    Incident.objects.update(status=Status.CLOSED)
    assert send(client, key, alert()).json()["status"] == "raised"


def test_the_pupil_may_be_named_by_their_mis_reference(personas, client, key):
    personas.pupil.memberships.update(external_id="A123456789012")
    assert send(client, key, alert(pupil="A123456789012")).json()["status"] == "raised"


def test_a_critical_alert_asks_the_officer_to_look_first(personas, client, key):
    send(client, key, alert(severity="critical"))
    assert Incident.objects.get().child_at_risk_now == Answer.NOT_SURE


def test_an_alert_about_a_pupil_not_found_is_held_then_matched_by_the_officer(
    personas, client, key
):
    answer = send(client, key, alert(pupil="someone@elsewhere.example"))
    assert answer.status_code == 201 and answer.json()["status"] == "held"
    held = MonitoringAlert.objects.earliest("pk")
    assert held.incident is None and Incident.objects.count() == 0
    send(client, key, alert(pupil="someone@elsewhere.example"))  # told once, not twice
    told = Notification.objects.filter(title__startswith="Monitoring alerts need matching")
    assert sorted(n.recipient.full_name for n in told) == ["Eddie Officer", "Hana Head"]
    sign_in(client, personas.esafety_officer)
    page = client.get(reverse("monitoring-held", args=[personas.school.slug]))
    assert "someone@elsewhere.example" in page.content.decode()
    match = reverse("monitoring-match", args=[personas.school.slug, held.pk])
    done = client.post(match, {"pupil": personas.pupil.pk})
    assert done.status_code == 302
    held.refresh_from_db()
    assert held.incident.source == Source.MONITORING and held.pupil == personas.pupil
    assert held.matched_by == personas.esafety_officer
    # A second click: told where it went, and still one incident.
    again = client.post(match, {"pupil": personas.pupil.pk}, follow=True)
    assert f"This alert is already in incident {held.incident.named}" in again.content.decode()
    assert Incident.objects.count() == 1


def test_a_pupil_of_another_school_cannot_be_matched(personas, client, key):
    from esafety.models import Role
    from esafety.testing import person

    send(client, key, alert(pupil="nobody@nowhere.example"))
    held = MonitoringAlert.objects.get()
    stranger = person(personas.other_school, Role.PUPIL)
    sign_in(client, personas.esafety_officer)
    match = reverse("monitoring-match", args=[personas.school.slug, held.pk])
    assert client.post(match, {"pupil": stranger.pk}).status_code == 400
    held.refresh_from_db()
    assert held.incident is None


@pytest.mark.parametrize(
    "payload, field, words",
    [
        (alert(pupil=None), "pupil", "required"),
        (alert(severity="apocalyptic"), "severity", "not a valid choice"),
        (alert(occurred_at="yesterday"), "occurred_at", "wrong format"),
        (alert(description="x" * 2001), "description", "no more than 2000"),
        ({**alert(), "screenshot": "data:image/png;base64,AAAA"}, "screenshot", "Images are not"),
        ({**alert(), "colour": "red"}, "colour", "Not a field of this request"),
        (alert(description="a\x00b"), "description", "Null characters"),
    ],
)
def test_a_malformed_alert_gets_a_400_that_says_why_and_changes_nothing(
    personas, client, key, payload, field, words
):
    answer = send(client, key, payload)
    assert answer.status_code == 400
    assert words in str(answer.json()[field])
    assert not MonitoringAlert.objects.exists() and not Incident.objects.exists()


def test_an_alert_from_the_future_or_not_json_is_refused(personas, client, key):
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    assert send(client, key, alert(occurred_at=future)).status_code == 400
    broken = client.post(
        ALERTS,
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert broken.status_code == 400 and "JSON" in broken.json()["detail"]
    assert send(client, key, [alert()]).status_code == 400


def test_the_same_alert_sent_ten_times_at_once_makes_one_incident(personas, key, http_server):
    server = http_server()
    replies = server.json_at_once(ALERTS, [alert()] * 10, key=key)
    assert [reply.status for reply in replies] == [201] * 10, [r.body for r in replies]
    server.sync()
    incident = Incident.objects.get()
    assert incident.alerts.count() == 10
    assert sorted(r.body.count('"raised"') for r in replies) == [0] * 9 + [1]


def test_the_keys_maker_is_no_reader_of_the_incidents_it_raises(personas, client, key):
    """IT support made the key, so the incidents are "reported" by them; what a pupil's
    monitoring shows is for the school's leads, not for IT support."""
    number = send(client, key, alert()).json()["incident"]
    incident = Incident.objects.get(number=number)
    sign_in(client, personas.technician)
    assert number not in client.get(reverse("my-incidents")).content.decode()
    assert client.get(incident.get_absolute_url()).status_code == 404
    sign_in(client, personas.esafety_officer)
    assert client.get(incident.get_absolute_url()).status_code == 200
