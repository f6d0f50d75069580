"""Approving the same destruction twice at the same moment (a double click racing itself,
or two leads on two screens), from two threads with their own PostgreSQL connections:
one batch, one tombstone, and the other told it was done already. The review between
the locks and the deletion is slowed so the two really overlap.
Needs PostgreSQL (SQLite has no row locks): skipped without it, a failure in CI."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from esafety.models_retention import DestructionBatch, Tombstone
from esafety.once import was_already_done
from esafety.retention import services
from esafety.retention.registry import record_ref
from esafety.tests.permissions_retention import due_training_record

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
PAUSE = 0.3


@pytest.fixture
def postgresql(require_service_fn):
    if connection.vendor != "postgresql":
        require_service_fn("concurrent approvals need PostgreSQL (DATABASE_URL=postgres://...)")


def at_once(calls) -> list:
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


@pytest.mark.parametrize("same_token", [True, False], ids=["double-click", "two-leads"])
def test_one_batch_when_approved_twice_at_once(personas, postgresql, monkeypatch, same_token):
    p = personas
    refs = [record_ref(due_training_record(p)), record_ref(due_training_record(p, title="B"))]
    review = services.review
    monkeypatch.setattr(services, "review", lambda *a, **k: (time.sleep(PAUSE), review(*a, **k))[1])

    def approve(by, token):
        return lambda: services.approve_destruction(school=p.school, by=by, refs=refs, token=token)

    results = at_once(
        [
            approve(p.esafety_officer, "token-one-batch-0001"),
            approve(p.headteacher, "token-one-batch-0001" if same_token else "token-two-0002"),
        ]
    )
    batches = [r for r in results if isinstance(r, DestructionBatch)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(batches) == 1 and len(refused) == 1, results
    assert was_already_done(refused[0])
    assert DestructionBatch.objects.count() == 1
    assert Tombstone.objects.count() == 2
