"""The status flow is one state machine: closing needs acknowledgement, a category, risk
area and kind, no open actions (or a reason to close them), parent contact recorded and a
review result; each refused step says why, with a link to put it right, and the reporter's
page says only what is true now."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from esafety.testing import sign_in
from incidents import services, states
from incidents.models import IncidentTag, ParentsInformed, Status
from incidents.tests.factories import classify, report

pytestmark = pytest.mark.django_db


def refused(call) -> list[str]:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.messages


def acknowledged(personas, *, classified=True):
    incident = report(personas.school, personas.teacher)
    services.acknowledge(incident=incident, by=personas.esafety_officer)
    if classified:
        classify(incident, personas.esafety_officer)
    return incident


def test_the_flow_goes_reported_acknowledged_dealt_with_review_closed(personas):
    officer = personas.esafety_officer
    incident = report(personas.school, personas.teacher)
    assert incident.status == Status.REPORTED
    services.acknowledge(incident=incident, by=officer)
    assert incident.status == Status.ACKNOWLEDGED
    services.add_timeline_entry(incident=incident, by=officer, text="Spoke to the pupil")
    classify(incident, officer)
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
    incident = acknowledged(personas, classified=False)
    services.add_timeline_entry(
        incident=incident, by=officer, text="Call home", owner=personas.teacher
    )
    services.record_review(incident=incident, by=officer, result="Reviewed")
    incident.review_result = ""  # as if the review were blank: every check must speak
    assert states.refusals(incident, "close") == [
        "The category, risk area and kind of incident are not set.",
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


def test_an_unclassified_incident_is_not_closed_and_the_form_links_to_each_fix(personas, client):
    """The trustees' 4 Cs count incidents by risk area: one closed unclassified is lost."""
    officer = personas.esafety_officer
    incident = acknowledged(personas, classified=False)
    services.record_review(incident=incident, by=officer, result="Reviewed")
    sign_in(client, officer)
    url = reverse("incident-action", args=[incident.pk, "close"])
    shown = client.get(url).content.decode()
    assert "Before it can be closed" in shown
    response = client.post(url, {})
    page = response.content.decode()
    assert response.status_code == 400 and "It can't be closed yet" in page
    assert "The category, risk area and kind of incident are not set." in page
    classify_url = reverse("incident-action", args=[incident.pk, "classify"])
    parents_url = reverse("incident-action", args=[incident.pk, "parents"])
    summary = page.split('id="error-summary-title"')[1].split("</div>")[0]
    assert f'href="{classify_url}"' in summary and f'href="{parents_url}"' in summary
    incident.refresh_from_db()
    assert incident.status == Status.REVIEW and incident.closed_at is None
    detail = client.get(incident.get_absolute_url()).content.decode()
    assert f'href="{classify_url}"' in detail  # the page's checklist links there too


def test_only_what_is_missing_is_named(personas):
    officer = personas.esafety_officer
    incident = acknowledged(personas, classified=False)
    incident.category, incident.risk_area = "pupil_a", "content"
    assert states.still_needed(incident, "close")[0] == "The kind of incident is not set."
    incident.risk_area = ""
    reasons = states.still_needed(incident, "close")
    assert reasons[0] == "The risk area and kind of incident are not set."
    classify(incident, officer)
    assert not any("not set" in r for r in states.still_needed(incident, "close"))


def test_the_officer_classifies_then_closes(personas, client):
    officer = personas.esafety_officer
    incident = acknowledged(personas, classified=False)
    services.record_parent_contact(
        incident=incident, by=officer, informed=ParentsInformed.YES, when=timezone.now()
    )
    services.record_review(incident=incident, by=officer, result="Reviewed")
    sign_in(client, officer)
    url = reverse("incident-action", args=[incident.pk, "classify"])
    grooming = IncidentTag.objects.get(slug="grooming")
    empty = client.post(url, {})
    assert empty.status_code == 400 and "This field is required" in empty.content.decode()
    choices = {"category": "pupil_d", "risk_area": "contact", "tags": [grooming.pk]}
    assert client.post(url, choices).status_code == 302
    assert client.post(url, choices).status_code == 302  # sent twice: recorded once
    incident.refresh_from_db()
    assert (incident.category, incident.risk_area) == ("pupil_d", "contact")
    assert list(incident.tags.all()) == [grooming]
    notes = incident.timeline.filter(text__startswith="Classified")
    assert [n.text for n in notes] == [
        "Classified: Pupil category D; risk area contact; kind: Grooming."
    ]
    assert incident.history.first().history_user == officer
    response = client.post(reverse("incident-action", args=[incident.pk, "close"]), {})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == Status.CLOSED
    page = client.get(incident.get_absolute_url()).content.decode()
    assert f'href="{url}"' not in page  # closed: reopen it to change the classification
    assert client.get(url).status_code == 403
