"""Two deputy DSLs acknowledging the same incident at the same moment (issue 29: "the
first to acknowledge takes it"), on PostgreSQL, whose row locks make the second wait for
the first (SQLite has none): one acknowledgement, one change in the history, the incident
taken by one of them; the other is sent back to the incident, told who took it, never
shown an error. Skipped without PostgreSQL, a failure in CI."""

import datetime
import threading
import time

import pytest
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from esafety.models import Membership, Role
from esafety.testing import person, sign_in
from esafety.testing_http import session_of
from incidents import services
from incidents.models import ActionKind, Incident, Status
from incidents.tests.factories import report

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
PAUSE = 0.3  # how long the first holds the lock: long enough for the second to arrive


@pytest.fixture
def postgresql(require_service_fn):
    if connection.vendor != "postgresql":
        require_service_fn("concurrent clicks need PostgreSQL (DATABASE_URL=postgres://...)")


@pytest.fixture
def deputies(personas):
    """Two deputies besides the lead, Eddie, who is sent the incident."""
    made = [person(personas.school, Role.ESAFETY_OFFICER, name=n) for n in ("Dana", "Dev")]
    Membership.objects.filter(user__in=made).update(started_on=datetime.date(2026, 1, 5))
    return made


def _acknowledged(incident):
    incident.refresh_from_db()
    entries = incident.timeline.filter(kind=ActionKind.ACKNOWLEDGED)
    changes = Incident.history.filter(id=incident.pk, status=Status.ACKNOWLEDGED)
    return incident, entries.count(), changes


def test_two_deputies_clicking_at_once_through_a_real_server(
    postgresql, personas, deputies, http_server
):
    incident = report(personas.school, personas.teacher)
    path = reverse("incident-action", args=[incident.pk, "acknowledge"])
    sessions = [session_of(deputy) for deputy in deputies]
    server = http_server()
    replies = server.at_once([(path, {}, session) for session in sessions for _ in range(2)])
    assert [r.status for r in replies] == [302] * 4, [r.body[-400:] for r in replies]
    assert {r.location for r in replies} == {incident.get_absolute_url()}
    server.sync()
    incident, entries, changes = _acknowledged(incident)
    assert entries == 1 and changes.count() == 1
    winner = changes.get().history_user
    assert winner in deputies
    assert incident.routed_to == incident.acknowledged_by == winner


def at_once(calls) -> list:
    """Each call in its own thread (its own database connection), let go together."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(n, call):
        try:
            barrier.wait()
            results[n] = call()
        except Exception as error:  # shown by the test, not lost in the thread
            results[n] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_the_second_deputy_is_told_who_took_it(postgresql, personas, deputies, monkeypatch):
    incident = report(personas.school, personas.teacher)
    move = services.states.move
    # The first holds the row while it acknowledges: the second's click really waits.
    monkeypatch.setattr(
        services.states, "move", lambda *a, **k: (time.sleep(PAUSE), move(*a, **k))[1]
    )
    path = reverse("incident-action", args=[incident.pk, "acknowledge"])
    clients = [sign_in(Client(), deputy) for deputy in deputies]

    def click(client):
        def send():
            response = client.post(path)
            return response.status_code, [str(m) for m in get_messages(response.wsgi_request)]

        return send

    results = at_once([click(c) for c in clients])
    assert [status for status, _ in results] == [302, 302], results
    incident, entries, changes = _acknowledged(incident)
    assert entries == 1 and changes.count() == 1
    winner = incident.acknowledged_by
    assert incident.routed_to == winner and winner in deputies
    told = {messages[0] for _, messages in results}
    assert told == {
        "Acknowledged. The person who reported it can see that you have it.",
        f"{winner} has already acknowledged it.",
    }
