"""A do-once step clicked twice shows the same success page and is recorded once, with
who did it in the record's history; the escalation sweep's change is in the history too;
evidence is checked by its contents. (Simultaneous clicks: test_at_once.py.)"""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esafety.sweeps import registered_jobs, run_sweeps
from esafety.testing import sign_in
from incidents import services, sweeps
from incidents.models import ActionKind, Evidence, Incident, Status
from incidents.tests.factories import classify, report
from incidents.tests.test_pages import log_form_data

pytestmark = pytest.mark.django_db


def click_twice(client, incident, step, data=None, query=""):
    url = reverse("incident-action", args=[incident.pk, step]) + query
    replies = [client.post(url, data or {}, follow=True) for _ in range(2)]
    assert [r.redirect_chain for r in replies] == [[(incident.get_absolute_url(), 302)]] * 2
    return [[str(m) for m in get_messages(r.wsgi_request)] for r in replies]


def entries(incident, kind):
    return incident.timeline.filter(kind=kind).count()


def test_acknowledging_twice_shows_success_twice_and_records_it_once(personas, client):
    incident = report(personas.school, personas.teacher)
    sign_in(client, personas.esafety_officer)
    first, second = click_twice(client, incident, "acknowledge")
    assert first == second == ["Acknowledged. The person who reported it can see that you have it."]
    assert entries(incident, ActionKind.ACKNOWLEDGED) == 1
    acknowledged = Incident.history.filter(id=incident.pk, status=Status.ACKNOWLEDGED).get()
    assert acknowledged.history_user == personas.esafety_officer
    assert acknowledged.acknowledged_by_id == personas.esafety_officer.pk


def test_a_colleague_acknowledging_later_is_told_who_has_it(personas, client):
    incident = report(personas.school, personas.teacher)
    services.acknowledge(incident=incident, by=personas.esafety_officer)
    sign_in(client, personas.headteacher)
    reply = client.post(reverse("incident-action", args=[incident.pk, "acknowledge"]), follow=True)
    assert "Eddie Officer has already acknowledged it." in reply.content.decode()
    assert entries(incident, ActionKind.ACKNOWLEDGED) == 1


@pytest.mark.parametrize(
    ("step", "signer", "field"),
    [("sign-off", "headteacher", "headteacher"), ("trustee-sign-off", "trustee", "trustee")],
)
def test_signing_twice_shows_success_twice_and_records_it_once(
    personas, client, step, signer, field
):
    incident = report(personas.school, personas.teacher)
    services.acknowledge(incident=incident, by=personas.esafety_officer)
    services.record_review(incident=incident, by=personas.esafety_officer, result="No repeat")
    services.request_trustee_sign_off(
        incident=incident, by=personas.esafety_officer, trustee=personas.trustee
    )
    sign_in(client, getattr(personas, signer))
    first, second = click_twice(client, incident, step)
    assert first == second and first[0].startswith("Signed")
    assert entries(incident, ActionKind.SIGN_OFF) == 1
    signed = Incident.history.filter(id=incident.pk, **{f"{field}_signed_at__isnull": False})
    assert [h.history_user for h in signed] == [getattr(personas, signer)]


def test_the_same_review_sent_twice_is_recorded_once(personas, client):
    incident = report(personas.school, personas.teacher)
    services.acknowledge(incident=incident, by=personas.esafety_officer)
    services.record_parent_contact(
        incident=incident, by=personas.esafety_officer, informed="no", reason="Not needed"
    )
    classify(incident, personas.esafety_officer)
    sign_in(client, personas.esafety_officer)
    first, second = click_twice(client, incident, "review", {"result": "Resolved", "close": "on"})
    assert first == second == ["Review recorded."]
    assert incident.timeline.filter(text__startswith="Review recorded").count() == 1
    assert Incident.history.filter(id=incident.pk, status=Status.CLOSED).count() == 1


def test_an_action_marked_done_twice_keeps_who_did_it_first(personas, client):
    incident = report(personas.school, personas.teacher)
    action = services.add_timeline_entry(
        incident=incident,
        by=personas.esafety_officer,
        text="Speak to the class",
        owner=None,
        due_on=datetime.date(2026, 12, 4),
    )
    sign_in(client, personas.esafety_officer)
    first, second = click_twice(client, incident, "complete", query=f"?entry={action.pk}")
    assert first == second == ["Action marked as done."]
    assert [h.history_user for h in action.history.filter(done_at__isnull=False)] == [
        personas.esafety_officer
    ]


def test_the_escalation_sweep_leaves_a_history_row_by_the_system(personas, client):
    utc = datetime.UTC
    with time_machine.travel(datetime.datetime(2026, 11, 25, 10, tzinfo=utc), tick=False):
        incident = report(personas.school, personas.teacher)
    jobs = {k: v for k, v in registered_jobs().items() if k == "incidents.unacknowledged"}
    with time_machine.travel(datetime.datetime(2026, 11, 26, 12, tzinfo=utc), tick=False):
        run_sweeps(jobs=jobs)
    escalated = Incident.history.filter(id=incident.pk, escalated_at__isnull=False).get()
    assert escalated.history_user is None
    assert escalated.history_change_reason == "Deadline sweep: not acknowledged in time"
    assert escalated.escalated_to_id == personas.headteacher.pk
    sign_in(client, personas.esafety_officer)
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "by the system – “<bdi>Deadline sweep: not acknowledged in time</bdi>”" in page


def test_an_incident_acknowledged_while_the_sweep_ran_is_not_escalated(personas):
    incident = report(personas.school, personas.teacher)
    stale = Incident.objects.get(pk=incident.pk)  # the sweep's copy, read before the click
    services.acknowledge(incident=incident, by=personas.esafety_officer)
    assert not sweeps._claim_escalation(stale, personas.headteacher, stale.reported_at)
    incident.refresh_from_db()
    assert incident.escalated_at is None and incident.escalated_to is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.docx", b"PK\x03\x04 not really a document", "not a Word document"),
        ("report.pdf", b"<html>a web page</html>", "not a PDF"),
        (".pdf", b"%PDF-1.4", "needs a name with letters or numbers"),
        ("\U0001f600\U0001f4f8.pdf", b"%PDF-1.4", "needs a name with letters or numbers"),
    ],
)
def test_evidence_page_refuses_a_file_that_is_not_what_it_says(
    personas, client, name, content, message
):
    incident = report(personas.school, personas.teacher)
    sign_in(client, personas.esafety_officer)
    reply = client.post(
        reverse("incident-action", args=[incident.pk, "evidence"]),
        {"file": SimpleUploadedFile(name, content)},
    )
    assert reply.status_code == 400
    assert message in reply.content.decode()
    assert Evidence.objects.count() == 0


def test_submitting_a_draft_twice_sends_it_once(personas, client):
    draft = report(personas.school, personas.teacher, submit=False)
    sign_in(client, personas.teacher)
    url = reverse("incident-edit", args=[draft.pk])
    replies = [client.post(url, log_form_data(personas), follow=True) for _ in range(2)]
    messages = [[str(m) for m in get_messages(r.wsgi_request)] for r in replies]
    draft.refresh_from_db()
    assert (
        messages[0]
        == messages[1]
        == [f"Incident {draft.reference} was sent to Eddie Officer. Thank you for reporting it."]
    )
    assert entries(draft, ActionKind.ROUTING) == 1
