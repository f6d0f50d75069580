"""Two identical POSTs at the same moment (a double click racing itself) from two threads,
each with its own PostgreSQL connection: exactly one record, and both get the same
success page.

The service functions between "read" and "write" are slowed down a little so the two
requests really overlap: without the row locks and constraints, both would write.
Needs PostgreSQL (SQLite has no row locks): skipped without it, a failure in CI.
"""

import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client

from agreements import reviews, services
from agreements.tests.do_once import ACTIONS
from esafety.testing import sign_in

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
PAUSE = 0.3


@pytest.fixture
def postgresql(require_service_fn):
    if connection.vendor != "postgresql":
        require_service_fn("concurrent submits need PostgreSQL (DATABASE_URL=postgres://...)")


def slowed(function):
    def slow(*args, **kwargs):
        time.sleep(PAUSE)
        return function(*args, **kwargs)

    return slow


@pytest.fixture
def overlap(monkeypatch):
    """Call it to widen the gap between reading and writing, so two requests overlap."""

    def widen():
        for module, name in (
            (services, "_signature_this_cycle"),
            (services, "_attributed"),
            (services, "new_version"),
            (reviews, "attributed"),
        ):
            monkeypatch.setattr(module, name, slowed(getattr(module, name)))

    return widen


def at_once(clients, url, data_for) -> list:
    """POST from each client at the same moment; return the responses."""
    barrier = threading.Barrier(len(clients))
    responses = [None] * len(clients)

    def post(n, client):
        try:
            barrier.wait()
            responses[n] = client.post(url, data_for())
        except Exception as error:  # shown by the test, not lost in the thread
            responses[n] = error
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=post, args=(n, c)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return responses


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
def test_two_clicks_at_once_make_one_record(personas, postgresql, overlap, action):
    context = action.setup(personas)
    actor = personas.get(action.actor)
    clients = [sign_in(Client(), actor) for _ in range(2)]
    url, _ = action.request(context)
    overlap()
    responses = at_once(clients, url, lambda: action.request(context)[1])
    assert [getattr(r, "status_code", r) for r in responses] == [302, 302]
    assert responses[0]["Location"] == responses[1]["Location"]
    assert action.made(context) == 1
