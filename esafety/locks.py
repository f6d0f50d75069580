"""A lock on a name for the rest of a transaction, for a "do once" step that has no row to
lock yet (the first alert about a pupil: two at once must make one incident)."""

import hashlib

from django.db import connection


def lock_for_transaction(name: str) -> None:
    """Wait for, then hold until the transaction ends, the lock named `name`. PostgreSQL:
    an advisory lock. SQLite: its one writer already keeps transactions apart."""
    if connection.vendor != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
