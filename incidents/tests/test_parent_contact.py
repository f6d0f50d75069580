"""Recording contact with parents or carers on an incident, through its page: who, when,
or why not, kept in the chronology and the record's history."""

import html
import re

import pytest
from django.urls import reverse

from esafety.testing import sign_in
from incidents.models import ParentsInformed
from incidents.tests.factories import report

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    """The page's text: entities read, and the isolating tags around typed text dropped."""
    text = html.unescape(response.content.decode())
    return re.sub(r'</?bdi>|<span dir="auto">', "", text)


@pytest.fixture
def incident(personas):
    return report(personas.school, personas.teacher)


def record(client, incident, **data):
    return client.post(reverse("incident-action", args=[incident.pk, "parents"]), data)


def test_recording_that_parents_were_told_keeps_who_and_when(personas, client, incident):
    sign_in(client, personas.esafety_officer)
    detail = reverse("incident-detail", args=[incident.pk])
    assert "Not recorded yet." in page_text(client.get(detail))

    response = record(client, incident, informed="yes", when="2026-11-20T15:45")
    assert response.status_code == 302 and response["Location"] == detail

    incident.refresh_from_db()
    assert incident.parents_informed == ParentsInformed.YES
    assert incident.parents_informed_by == personas.esafety_officer
    assert f"{incident.parents_informed_at.astimezone():%Y-%m-%d}" == "2026-11-20"
    latest = incident.history.first()
    assert latest.history_user == personas.esafety_officer
    assert latest.parents_informed == ParentsInformed.YES
    note = incident.timeline.order_by("-pk").first()
    assert note.created_by == personas.esafety_officer
    assert note.text == "Parents or carers were told on 20 Nov 2026 15:45."

    page = page_text(client.get(detail))
    parents = page.split("Parents and carers", 1)[1]
    assert "Told on 20 Nov 2026, 15:45 by Eddie Officer." in parents
    assert "Parents or carers were told on 20 Nov 2026 15:45." in page


def test_told_without_a_time_is_refused_with_a_message(personas, client, incident):
    sign_in(client, personas.esafety_officer)
    versions = incident.history.count()
    response = record(client, incident, informed="yes", when="")
    assert response.status_code == 400
    assert "Say when the parents or carers were told." in page_text(response)
    incident.refresh_from_db()
    assert incident.parents_informed == ParentsInformed.NOT_YET
    assert incident.history.count() == versions


def test_not_telling_parents_needs_a_reason_which_is_shown(personas, client, incident):
    sign_in(client, personas.headteacher)
    refused = record(client, incident, informed="no", reason="  ")
    assert refused.status_code == 400
    assert "Say why the parents or carers were not told." in page_text(refused)

    reason = "Telling the parent would put the child at risk; referred to children's services."
    assert record(client, incident, informed="no", reason=reason).status_code == 302
    incident.refresh_from_db()
    assert incident.parents_informed == ParentsInformed.NO
    assert incident.parents_not_informed_reason == reason
    assert incident.parents_informed_at is None and incident.parents_informed_by is None
    assert incident.history.first().history_user == personas.headteacher
    page = page_text(client.get(reverse("incident-detail", args=[incident.pk])))
    assert f"Not told: {reason}" in page


def test_a_change_of_answer_keeps_the_earlier_one_in_the_history(personas, client, incident):
    sign_in(client, personas.esafety_officer)
    record(client, incident, informed="no", reason="Parent not reachable today.")
    record(client, incident, informed="yes", when="2026-11-21T09:10")
    answers = list(incident.history.values_list("parents_informed", "history_user"))
    officer = personas.esafety_officer.pk
    assert answers[:2] == [("yes", officer), ("no", officer)]
    notes = list(incident.timeline.order_by("pk").values_list("text", flat=True))
    assert "Parents or carers not told: Parent not reachable today." in notes
    assert "Parents or carers were told on 21 Nov 2026 09:10." in notes


def test_the_reporting_teacher_cannot_record_parent_contact(personas, client, incident):
    sign_in(client, personas.teacher)
    response = record(client, incident, informed="yes", when="2026-11-20T15:45")
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.parents_informed == ParentsInformed.NOT_YET
