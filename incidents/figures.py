"""The incidents app's figures (see esafety/figures.py): counts per school, no names."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from esafety.figures import figure

from .models import Incident, Status, TimelineEntry
from .rules import HIDDEN_SUBJECT

LAST_12_MONTHS = "incidents.last_12_months"
RISK_AREAS = ("content", "contact", "conduct", "commerce")
COUNTS = ("total", "open", *RISK_AREAS)


def _counts(prefix="", only=None):
    def count(condition=None):
        parts = [q for q in (only, condition) if q is not None]
        return Count("pk", filter=parts[0] & parts[-1] if parts else None)

    return {
        f"{prefix}total": count(),
        f"{prefix}open": count(~Q(status=Status.CLOSED)),
        **{f"{prefix}{area}": count(Q(risk_area=area)) for area in RISK_AREAS},
    }


@figure(
    LAST_12_MONTHS,
    stale_on={Incident: "school_id", TimelineEntry: "incident__school_id"},
)
def last_12_months(school_ids, today) -> dict[int, dict]:
    """Submitted incidents reported in the 365 days up to today, per school: the total,
    those still open and each risk area. `hidden` holds the same counts for concerns
    about the headteacher, which a reader who is that school's headteacher subtracts
    (`counts_seen_by`). One GROUP BY over the schools."""
    start = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=365), datetime.time.min)
    )
    hidden = _counts("hidden_", only=Q(subject=HIDDEN_SUBJECT))
    rows = (
        Incident.objects.submitted()
        .filter(school_id__in=school_ids, reported_at__gte=start)
        .values("school_id")
        .annotate(**_counts(), **hidden)
        .order_by()
    )
    found = {row["school_id"]: row for row in rows}
    return {
        school_id: {
            **{name: found.get(school_id, {}).get(name, 0) for name in COUNTS},
            "hidden": {name: found.get(school_id, {}).get(f"hidden_{name}", 0) for name in COUNTS},
        }
        for school_id in school_ids
    }


def counts_seen_by(counts: dict, *, hides_concerns_about_head: bool) -> dict:
    """A school's counts as this reader may see them: without the concerns about the
    headteacher when the reader is that school's headteacher (the headteacher rule)."""
    if not hides_concerns_about_head:
        return {name: counts[name] for name in COUNTS}
    return {name: counts[name] - counts["hidden"][name] for name in COUNTS}


# --- acknowledged in time (read by the yearly self-review's evidence) --------------------------

ACKNOWLEDGED_ON_TIME = "incidents.acknowledged_on_time"


@figure(ACKNOWLEDGED_ON_TIME, stale_on={Incident: "school_id"})
def acknowledged_on_time(school_ids, today) -> dict[int, dict]:
    """Submitted incidents reported in the 365 days up to today that had a deadline to be
    acknowledged, per school: how many, and how many were acknowledged by it. Counts every
    incident, concerns about the headteacher included (no breakdown, so nothing to hide).
    One GROUP BY over the schools."""
    from django.db.models import F

    start = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=365), datetime.time.min)
    )
    rows = (
        Incident.objects.submitted()
        .filter(school_id__in=school_ids, reported_at__gte=start, acknowledge_by__isnull=False)
        .values("school_id")
        .annotate(
            due=Count("pk"),
            on_time=Count("pk", filter=Q(acknowledged_at__lte=F("acknowledge_by"))),
            waiting_late=Count(
                "pk", filter=Q(acknowledged_at__isnull=True, acknowledge_by__lt=timezone.now())
            ),
        )
        .order_by()
    )
    found = {row["school_id"]: row for row in rows}
    return {
        s: {name: found.get(s, {}).get(name, 0) for name in ("due", "on_time", "waiting_late")}
        for s in school_ids
    }
