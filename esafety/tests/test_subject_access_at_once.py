"""A subject access request's do-once steps clicked several times at the same moment
(through a real server, on SQLite or PostgreSQL): one record, one change in its history,
and every click sent back to the request."""

import datetime

from django.urls import reverse
from django.utils import timezone

from esafety.models_subject_access import RequesterKind, SarStatus, SubjectAccessRequest
from esafety.subject_access import services
from esafety.testing_http import session_of


def _request(p):
    return services.record_request(
        school=p.school,
        by=p.esafety_officer,
        subject=p.teacher,
        requester_kind=RequesterKind.STAFF,
        requester_name="Terry Teacher",
        requester_contact="terry@example.org",
        received_on=timezone.localdate() - datetime.timedelta(days=2),
        received_how="email",
    )


def _at_once(http_server, path, data, user, times=5):
    session = session_of(user)  # before the server starts: on SQLite it copies the data
    server = http_server()
    replies = server.at_once([(path, data, session)] * times)
    assert [reply.status for reply in replies] == [302] * times, [r.body[-300:] for r in replies]
    server.sync()
    return replies


def test_identity_checked_at_once_is_recorded_once(personas, http_server):
    p = personas
    sar = _request(p)
    path = reverse("sar-identity", args=[p.school.slug, sar.pk])
    replies = _at_once(http_server, path, {"how": "Known to the office"}, p.esafety_officer)
    assert {reply.location for reply in replies} == {sar.get_absolute_url()}
    checks = SubjectAccessRequest.history.filter(
        id=sar.pk, history_change_reason="Identity checked"
    )
    assert checks.count() == 1
    assert checks.get().history_user_id == p.esafety_officer.pk


def test_marked_sent_at_once_is_recorded_once(personas, http_server):
    p = personas
    sar = _request(p)
    services.record_identity_check(sar=sar, by=p.esafety_officer, how="Known")
    path = reverse("sar-sent", args=[p.school.slug, sar.pk])
    data = {"sent_on": timezone.localdate().isoformat(), "how": "Secure email"}
    _at_once(http_server, path, data, p.headteacher)
    sar.refresh_from_db()
    assert (sar.status, sar.sent_by) == (SarStatus.SENT, p.headteacher)
    assert SubjectAccessRequest.history.filter(id=sar.pk, status=SarStatus.SENT).count() == 1


def test_a_new_request_sent_twice_at_once_is_recorded_once(personas, http_server):
    p = personas
    data = {
        "requester_kind": RequesterKind.STAFF,
        "subject": p.teacher.pk,
        "requester_name": "Terry Teacher",
        "requester_contact": "terry@example.org",
        "received_on": timezone.localdate().isoformat(),
        "received_how": "letter",
        "once": "the-same-token-twice-123",
    }
    _at_once(http_server, reverse("sar-add", args=[p.school.slug]), data, p.esafety_officer, 3)
    assert SubjectAccessRequest.objects.count() == 1
