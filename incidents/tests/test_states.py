"""The status flow is one state machine: closing needs acknowledgement, no open actions
(or a reason to close them), parent contact recorded and a review result; each refused
step says why, and the reporter's page says only what is true now."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from esafety.testing import sign_in
from incidents import services, states
from incidents.models import ParentsInformed, Status
from incidents.tests.factories import report

pytestmark = pytest.mark.django_db


def refused(call) -> list[str]:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.messages


def acknowledged(personas):
    incident = report(personas.school, personas.teacher)
    return services.acknowledge(incident=incident, by=personas.esafety_officer)


def test_the_flow_goes_reported_acknowledged_dealt_with_review_closed(personas):
    officer = personas.esafety_officer
    incident = report(personas.school, personas.teacher)
    assert incident.status == Status.REPORTED
    services.acknowledge(incident=incident, by=officer)
    assert incident.status == Status.ACKNOWLEDGED
    services.add_timeline_entry(incident=incident, by=officer, text="Spoke to the pupil")
    incident.refresh_from_db()
    assert incident.status == Status.OPEN
    services.record_parent_contact(
        incident=incident, by=officer, informed=ParentsInformed.YES, when=timezone.now()
    )
    services.record_review(incident=incident, by=officer, result="No repeat.")
    assert incident.status == Status.REVIEW
    services.close_incident(incident=incident, by=officer)
    incident.refresh_from_db()
    assert incident.status == Status.CLOSED and incident.closed_by == officer
    services.reopen_incident(incident=incident, by=officer, reason="It happened again.")
    assert incident.status == Status.OPEN and incident.closed_at is None


def test_an_unacknowledged_incident_cannot_be_reviewed_or_closed(personas):
    incident = report(personas.school, personas.teacher)
    reasons = refused(
        lambda: services.record_review(
            incident=incident, by=personas.esafety_officer, result="x", close=True
        )
    )
    assert reasons == [
        "Record the review is not possible while it is “reported, waiting to be acknowledged”."
    ]
    incident.refresh_from_db()
    assert incident.status == Status.REPORTED and incident.review_result == ""


def test_closing_lists_every_missing_step(personas):
    officer = personas.esafety_officer
    incident = acknowledged(personas)
    services.add_timeline_entry(
        incident=incident, by=officer, text="Call home", owner=personas.teacher
    )
    services.record_review(incident=incident, by=officer, result="Reviewed")
    incident.review_result = ""  # as if the review were blank: every check must speak
    assert states.refusals(incident, "close") == [
        "1 action is still open: mark it done, or give a reason to close it with the incident.",
        "Contact with parents or carers is not recorded (or the reason they were not told).",
        "The result of the review is not recorded.",
    ]


def test_open_actions_block_closing_unless_a_reason_closes_them(personas):
    officer = personas.esafety_officer
    incident = acknowledged(personas)
    action = services.add_timeline_entry(
        incident=incident, by=officer, text="Call home", owner=personas.teacher
    )
    services.record_parent_contact(
        incident=incident, by=officer, informed=ParentsInformed.NO, reason="Pupil at risk at home"
    )
    services.record_review(incident=incident, by=officer, result="Reviewed")
    assert (
        "1 action is still open"
        in refused(lambda: services.close_incident(incident=incident, by=officer))[0]
    )
    services.close_incident(incident=incident, by=officer, close_actions_reason="No longer needed")
    action.refresh_from_db()
    assert action.done_at and action.done_note == "Closed with the incident: No longer needed"
    assert incident.status == Status.CLOSED


def test_parent_contact_must_be_recorded_to_close(personas):
    officer = personas.esafety_officer
    incident = acknowledged(personas)
    services.record_review(incident=incident, by=officer, result="Reviewed")
    assert refused(lambda: services.close_incident(incident=incident, by=officer)) == [
        "Contact with parents or carers is not recorded (or the reason they were not told)."
    ]


def test_reopening_needs_a_reason(personas):
    officer = personas.esafety_officer
    incident = acknowledged(personas)
    services.record_parent_contact(
        incident=incident, by=officer, informed=ParentsInformed.YES, when=timezone.now()
    )
    services.record_review(incident=incident, by=officer, result="Reviewed", close=True)
    assert refused(lambda: services.reopen_incident(incident=incident, by=officer, reason=" ")) == [
        "Give a reason for reopening it."
    ]


def test_the_close_page_shows_why_it_was_refused(personas, client):
    incident = acknowledged(personas)
    services.record_review(incident=incident, by=personas.esafety_officer, result="Reviewed")
    sign_in(client, personas.esafety_officer)
    response = client.post(reverse("incident-action", args=[incident.pk, "close"]), {})
    assert response.status_code == 400
    assert "Contact with parents or carers is not recorded" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == Status.REVIEW


def test_the_reporters_page_says_only_what_is_true_now(personas, client):
    officer = personas.esafety_officer
    incident = acknowledged(personas)
    services.record_parent_contact(
        incident=incident, by=officer, informed=ParentsInformed.YES, when=timezone.now()
    )
    services.record_review(incident=incident, by=officer, result="Reviewed", close=True)
    sign_in(client, personas.teacher)
    page = client.get(reverse("incident-detail", args=[incident.pk])).content.decode()
    assert "Closed" in page and "It was closed on" in page
    assert "will acknowledge it" not in page


def test_a_missed_deadline_is_not_promised_to_the_reporter(personas, client, time_machine):
    incident = report(personas.school, personas.teacher)
    time_machine.move_to(incident.acknowledge_by + datetime.timedelta(hours=1))
    sign_in(client, personas.teacher)
    page = client.get(reverse("incident-detail", args=[incident.pk])).content.decode()
    assert "will acknowledge it" not in page
    assert "has not acknowledged it yet" in page
