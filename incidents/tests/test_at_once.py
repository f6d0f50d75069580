"""Many people at once, through a real server on the project's database (SQLite as
`make run` has it, or PostgreSQL): a staff room submitting together, and a do-once step
clicked twice or by two people at the same moment."""

from django.urls import reverse

from esafety.models import Role
from esafety.testing import person
from esafety.testing_http import session_of
from incidents import services
from incidents.models import ActionKind, Incident, IncidentTag, Status, TimelineEntry
from incidents.tests.factories import report
from incidents.tests.test_pages import log_form_data


def test_a_staff_room_submitting_at_once_gets_twenty_numbers_and_no_error(personas, http_server):
    staff = [person(personas.school, Role.STAFF) for _ in range(20)]
    # The kinds a migration adds are gone if an earlier test here emptied the database.
    IncidentTag.objects.get_or_create(school=None, slug="bullying", defaults={"name": "Bullying"})
    form = log_form_data(personas)
    sessions = [session_of(teacher) for teacher in staff]
    server = http_server()
    replies = server.at_once([(reverse("incident-create"), form, session) for session in sessions])
    assert [reply.status for reply in replies] == [302] * 20, [r.body[-300:] for r in replies]
    assert all(reply.location.startswith("/incidents/") for reply in replies)
    server.sync()
    numbers = set(Incident.objects.values_list("number", flat=True))
    assert len(numbers) == 20 and "" not in numbers
    assert set(Incident.objects.values_list("reported_by", flat=True)) == {t.pk for t in staff}


def _at_once(http_server, incident, step, user, times=5, data=None):
    path = reverse("incident-action", args=[incident.pk, step])
    session = session_of(user)
    server = http_server()
    replies = server.at_once([(path, data or {}, session)] * times)
    assert [reply.status for reply in replies] == [302] * times, [r.body[-300:] for r in replies]
    assert {reply.location for reply in replies} == {incident.get_absolute_url()}
    server.sync()


def test_acknowledging_at_once_records_it_once(personas, http_server):
    incident = report(personas.school, personas.teacher)
    _at_once(http_server, incident, "acknowledge", personas.esafety_officer)
    assert (
        TimelineEntry.objects.filter(incident=incident, kind=ActionKind.ACKNOWLEDGED).count() == 1
    )
    changes = Incident.history.filter(id=incident.pk, status=Status.ACKNOWLEDGED)
    assert changes.count() == 1
    assert changes.get().history_user_id == personas.esafety_officer.pk


def test_signing_off_at_once_records_it_once(personas, http_server):
    incident = report(personas.school, personas.teacher)
    services.acknowledge(incident=incident, by=personas.esafety_officer)
    services.record_review(incident=incident, by=personas.esafety_officer, result="No repeat")
    _at_once(http_server, incident, "sign-off", personas.headteacher)
    assert TimelineEntry.objects.filter(incident=incident, kind=ActionKind.SIGN_OFF).count() == 1
    signed = Incident.history.filter(id=incident.pk, headteacher_signed_at__isnull=False)
    assert signed.count() == 1


def test_a_new_report_sent_five_times_at_once_is_saved_once(personas, http_server):
    """A double click on a slow connection, without the page's script: the form's
    one-time token makes the repeats land on the one report."""
    IncidentTag.objects.get_or_create(school=None, slug="bullying", defaults={"name": "Bullying"})
    form = {**log_form_data(personas), "once": "token-of-one-double-click"}
    session = session_of(personas.teacher)
    server = http_server()  # after the sign-in: it starts from the database as it is now
    replies = server.at_once([(reverse("incident-create"), form, session)] * 5)
    assert [reply.status for reply in replies] == [302] * 5, [r.body[-300:] for r in replies]
    server.sync()
    incident = Incident.objects.get()
    assert {reply.location for reply in replies} == {incident.get_absolute_url()}
