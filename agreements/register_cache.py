"""Register counts cached exactly as long as the coverage figures stay fresh."""

import hashlib

from django.core.cache import cache

from esafety.figures import DEFAULT_TIMEOUT, generation_token

COVERAGE_FIGURE = "agreements.coverage"
REGISTER_CACHE_TIMEOUT = DEFAULT_TIMEOUT  # a bound on staleness if an invalidation is missed


def while_fresh(school_id: int, what: str, compute):
    """`compute()` once, then from the cache until the school's coverage figures go
    stale: their generations are bumped by every change a register reads (documents,
    versions, signatures with their consent answers, memberships, parent links), so a
    value cached here is exactly as fresh as the coverage tables. `what` names the value
    fully (document, version, date, filters)."""
    token = generation_token([COVERAGE_FIGURE], [school_id])
    reader = f"{school_id}:{what}:{token}"
    key = f"agreements:register:{hashlib.sha256(reader.encode()).hexdigest()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, REGISTER_CACHE_TIMEOUT)
    return value
