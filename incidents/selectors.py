"""Reads shared by the queue and the home card: who and what, and how urgent."""

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Prefetch,
    Q,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils import timezone

from esafety.figures import cached_while_fresh
from esafety.flags import flags_of
from esafety.roles import access_for, managed_school_ids

from .figures import LAST_12_MONTHS
from .models import (
    ActionKind,
    IncidentPerson,
    PersonKind,
    Status,
    TimelineEntry,
)
from .routing import urgent_q
from .rules import incident_visibility_q


def _with_overdue_action(now):
    """The incidents with an action past its due date and not done. Not correlated: the
    database reads the few overdue actions once and looks each incident up in a hash,
    instead of probing the timeline once per open incident."""
    return TimelineEntry.objects.filter(
        kind=ActionKind.ACTION,
        done_at__isnull=True,
        due_on__lt=timezone.localdate(now),
    ).values("incident_id")


# What a listed incident shows (incident_display's rows and the home panel): the other
# forty-odd columns, the long texts among them, were most of each row's fetch.
LISTED = (
    "number",
    "status",
    "source",
    "school__name",
    "school__slug",
    "school__code",
    "reported_at",
    "reported_by__full_name",
    "reported_by__email",
    "acknowledge_by",
    "description",
    "subject",
    "category",
    "risk_area",
    "suspected_illegal_material",
    "child_at_risk_now",
    "contact_from_older",
    "image_of_child",
)


def with_who_and_what(incidents, now=None, *, prefetch=True):
    """Each incident with `urgent` (0 first: routing.URGENCY, or an overdue action),
    `pupils` (the pupils involved) and `kinds`. With
    `prefetch=False` the caller adds the pupils and kinds with `add_who` to the rows it
    shows, in one go for several lists."""
    now = now or timezone.now()
    # The WHENs run in order: closed incidents (most of a log) and those urgent by their
    # own columns never run the overdue-action lookup.
    urgent = Case(
        When(status=Status.CLOSED, then=Value(1)),
        When(urgent_q(now), then=Value(0)),
        When(pk__in=_with_overdue_action(now), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    incidents = (
        incidents.select_related("school", "reported_by").only(*LISTED).annotate(urgent=urgent)
    )
    return incidents.prefetch_related(*_WHO) if prefetch else incidents


def _pupils_prefetch():
    # Only what a row shows (display_name): a whole person row is twenty-odd columns.
    pupils = (
        IncidentPerson.objects.filter(kind=PersonKind.PUPIL)
        .select_related("person")
        .only("incident_id", "person_id", "name", "person__full_name", "person__email")
    )
    return Prefetch("people", queryset=pupils, to_attr="pupils")


def _kinds_prefetch():
    # As a list attribute: `incident.tags.all` builds a manager on every call, twice a row.
    return Prefetch("tags", to_attr="kinds")


_WHO = (_kinds_prefetch(), _pupils_prefetch())


def add_who(rows: list) -> list:
    """The kinds and the pupils involved of rows already fetched: two queries in all."""
    prefetch_related_objects(rows, _kinds_prefetch(), _pupils_prefetch())
    return rows


def add_flags(rows: list, user) -> list:
    """Each listed pupil's vulnerability flags (`pupil.flags`), only where this person may
    see them (esafety.flags): one query, none for those who may see none."""
    pairs = {(r.school_id, p.person_id) for r in rows for p in getattr(r, "pupils", ())}
    found = flags_of(user, pairs)
    for row in rows:
        for pupil in getattr(row, "pupils", ()):
            pupil.flags = found.get((row.school_id, pupil.person_id), [])
    return rows


URGENT_OPEN = ~Q(status=Status.CLOSED) & Q(urgent=0)


def queue_counts(incidents) -> dict:
    """One pass over a queue's incidents (from `with_who_and_what`): how many wait to be
    acknowledged, how many others, and how many of those others are urgent."""
    others = ~Q(status=Status.REPORTED)
    return incidents.aggregate(
        waiting=Count("pk", filter=Q(status=Status.REPORTED)),
        others=Count("pk", filter=others),
        urgent_others=Count("pk", filter=others & URGENT_OPEN),
    )


def urgent_and_total(incidents) -> tuple[int, int]:
    """How many of a queue list (from `with_who_and_what`) are urgent, and how many in all."""
    # Not named "urgent": that is the annotation the filter reads.
    found = incidents.aggregate(urgent_count=Count("pk", filter=URGENT_OPEN), total=Count("pk"))
    return found["urgent_count"], found["total"]


# The filters whose counts depend only on the incidents' own columns (and the overdue
# actions): a queue filtered by these alone has its counts cached. A pupil's name or a
# kind reads other tables, which do not make the cached counts stale.
COUNTS_CACHED_FOR = frozenset(
    {"q", "status", "category", "risk_area", "school", "reported_from", "reported_to", "page"}
)
COUNTS_TIMEOUT = 60 * 60


def counted_for(user, params, compute):
    """The queue's counts for this reader and these filters: `compute()` once, then from
    the cache until an incident or timeline entry of one of the reader's schools changes
    (the incident figures' generations: every save and delete bumps them) or the day
    turns (an action becomes overdue at midnight). Keyed on the reader's whole visibility
    filter (and the reader: nothing is shared between people), so a change in someone's
    roles or a trust's setting changes the key. Counting every
    incident of a trust on each visit was most of a trust-wide queue's time."""
    used = {k for k in params if any(params.getlist(k))}  # the form sends empty fields too
    if not used <= COUNTS_CACHED_FOR:
        return compute()
    access = access_for(user)
    schools = set(access.roles_by_school) | access.trust_school_ids | access.lead_school_ids
    filters = sorted((k, params.getlist(k)) for k in used if k != "page")
    reader = repr((user.pk, str(incident_visibility_q(user)), filters))
    return cached_while_fresh(
        f"incidents:queue-counts:{timezone.localdate().isoformat()}:{reader}",
        compute,
        follows=[LAST_12_MONTHS],
        school_ids=schools,
        timeout=COUNTS_TIMEOUT,
    )


class UrgentFirst:
    """A queue list (from `with_who_and_what`) in the order urgent first, then newest, for
    the Paginator, in index-friendly queries instead of one sort over a computed column
    (which made the trust-wide queue sort every incident of the trust). Closed incidents
    are never urgent, so the urgent part is found among the open ones; the rest is walked
    newest first down an index and stops at the page. Same rows and order as
    `.order_by("urgent", "-reported_at", "-pk")`. `counts`: (urgent, total) if known."""

    ORDER = ("-reported_at", "-pk")

    def __init__(self, incidents, counts=None):
        self.incidents = incidents
        self.urgent = incidents.filter(URGENT_OPEN).order_by(*self.ORDER)
        self.rest = incidents.filter(Q(status=Status.CLOSED) | Q(urgent=1)).order_by(*self.ORDER)
        self._counts = counts

    def _urgent_and_total(self):
        if self._counts is None:
            self._counts = urgent_and_total(self.incidents)
        return self._counts

    def count(self) -> int:
        return self._urgent_and_total()[1]

    def __len__(self):
        return self.count()

    def __getitem__(self, page: slice) -> list:
        urgent_count = self._urgent_and_total()[0]
        start, stop = page.start or 0, page.stop
        rows = []
        if start < urgent_count:
            rows += list(self.urgent[start : min(stop, urgent_count)])
        if stop > urgent_count:
            rows += list(self.rest[max(start - urgent_count, 0) : stop - urgent_count])
        return rows


def spans_schools(user) -> bool:
    """More than one school's incidents can appear: numbers carry the school's letters."""
    access = access_for(user)
    schools = managed_school_ids(user) | access.lead_school_ids | access.trust_school_ids
    return len(schools) > 1
