"""Register counts cached exactly as long as the coverage figures stay fresh."""

from esafety.figures import DEFAULT_TIMEOUT, cached_while_fresh

COVERAGE_FIGURE = "agreements.coverage"
REGISTER_CACHE_TIMEOUT = DEFAULT_TIMEOUT  # a bound on staleness if an invalidation is missed
# A page of names: a rename doesn't make the coverage figures stale, so kept briefly.
ROWS_KEPT_SECONDS = 5 * 60


def while_fresh(school_id: int, what: str, compute, *, timeout=REGISTER_CACHE_TIMEOUT):
    """`compute()` once, then from the cache until the school's coverage figures go
    stale: their generations are bumped by every change a register reads (documents,
    versions, signatures with their consent answers, memberships, parent links), so a
    value cached here is exactly as fresh as the coverage tables. `what` names the value
    fully (document, version, date, filters)."""
    return cached_while_fresh(
        f"agreements:register:{school_id}:{what}",
        compute,
        follows=[COVERAGE_FIGURE],
        school_ids=[school_id],
        timeout=timeout,
    )
