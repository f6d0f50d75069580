"""Change stamps: what a cache of something shown from records (a PDF's bytes) keys on
instead of the thing itself, so a repeat costs a few index lookups, not a render.

Every save and delete of a record with history (simple-history) writes a history row with
a new, larger `history_id`; the newest id among a set of records' history rows therefore
changes whenever one of them changes, is added or is deleted. A stamp lists it for each
kind of record the thing shows, with whatever else it shows (a date, a name, a flag).
"""

from django.db.models import Count, Max


def newest_changes(*histories) -> str:
    """The newest history id and the number of history rows of each queryset of history
    rows (`Model.history.filter(...)`), joined: a query each, down an index. The count
    too, because ids are handed out as rows are written, not as they commit: a change
    that commits after a later one has been rendered still adds a row."""
    stamps = []
    for qs in histories:
        found = qs.order_by().aggregate(newest=Max("history_id"), rows=Count("history_id"))
        stamps.append(f"{found['newest'] or 0}-{found['rows']}")
    return ".".join(stamps)
