"""The queue's counts are cached per reader (selectors.counted_for); what they count
changing makes them stale at once, and no one is ever shown another reader's counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from esafety.testing import sign_in
from incidents import services
from incidents.models import Subject
from incidents.tests.factories import report

pytestmark = pytest.mark.django_db


def queue(client, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.get(reverse("incident-queue") + (f"?{query}" if query else "")).content.decode()


def test_counts_follow_a_new_report_and_an_acknowledgement(personas, client):
    first = report(personas.school, personas.teacher)
    report(personas.school, personas.teacher)
    sign_in(client, personas.esafety_officer)
    assert "2 incidents match, 2 waiting to be acknowledged" in queue(client)
    assert "2 incidents match, 2 waiting to be acknowledged" in queue(client)  # cached
    report(personas.school, personas.teacher)
    assert "3 incidents match, 3 waiting to be acknowledged" in queue(client)
    services.acknowledge(incident=first, by=personas.esafety_officer)
    page = queue(client)
    assert "3 incidents match, 2 waiting to be acknowledged" in page
    assert "1 other incident: urgent first" in page


def test_an_action_falling_overdue_moves_its_incident_up_at_once(personas, client):
    """The urgent count decides where the urgent part of a list ends: a stale count would
    leave a newly urgent incident among the rest."""
    officer = personas.esafety_officer
    older, newer = (
        report(personas.school, personas.teacher),
        report(personas.school, personas.teacher),
    )
    for incident in (older, newer):
        services.acknowledge(incident=incident, by=officer)
    sign_in(client, officer)
    before = queue(client)
    assert before.index(f">{newer.reference}<") < before.index(f">{older.reference}<")
    services.add_timeline_entry(
        incident=older,
        by=officer,
        text="Speak to the class",
        owner=personas.teacher,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    after = queue(client)
    assert after.index(f">{older.reference}<") < after.index(f">{newer.reference}<")
    assert "overdue" in after


def test_a_headteacher_never_gets_the_officers_counts(personas, client):
    """The officer counts the concern about the headteacher; the head, visiting straight
    after, with the officer's counts in the cache, does not."""
    report(personas.school, personas.teacher)
    report(personas.school, personas.teacher, subject=Subject.HEADTEACHER)
    sign_in(client, personas.esafety_officer)
    assert "2 incidents match" in queue(client)
    client.logout()
    sign_in(client, personas.headteacher)
    assert "1 incident matches" in queue(client)


def test_the_filter_form_sent_empty_counts_the_same_and_follows_changes(personas, client):
    """Sending the form sends every field, empty ones too: counted like the bare queue."""
    empty = {name: "" for name in ("q", "status", "category", "risk_area", "tag", "pupil")}
    report(personas.school, personas.teacher)
    sign_in(client, personas.esafety_officer)
    assert "1 incident matches, 1 waiting to be acknowledged" in queue(client, **empty)
    report(personas.school, personas.teacher)
    assert "2 incidents match, 2 waiting to be acknowledged" in queue(client, **empty)
