"""The incidents app's figures (see esafety/figures.py): counts per school, no names."""

import datetime

from django.db.models import Count, F, Q
from django.utils import timezone

from esafety.figures import figure
from esafety.models_flags import PupilFlag

from .models import Incident, IncidentPerson, PersonKind, Status, TimelineEntry
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


# --- governance: incidents per calendar month (appended for the governance dashboard) ---
# The dashboard and the termly report sum these months over the period they show (this
# term, this academic year, last year, a custom range), so each is computed once here.
# Concerns about staff (and the headteacher) are kept apart: every breakdown below counts
# the other incidents only, and the two allegation counts are read by the chair alone.

from esafety.figures import ALL_SCHOOLS, first_of, month_key, months_back  # noqa: E402


def _empty_month() -> dict:
    return {
        "total": 0,
        "by_area": {},
        "by_category": {},
        "by_tag": {},
        "escalated": 0,
        "acknowledged": 0,
        "same_day": 0,
        "ack_minutes": [],
        "referrals": {},
        "staff_concerns": 0,
        "head_concerns": 0,
    }


def _same_school_day_end(school, day, after_hours, closures):
    """When "the same school day" ends for an incident reported on `day` (the school's
    date): the end of that school day, or of the next working day when it came in after
    hours or on a day the school was closed (esafety/workdays.py)."""
    from esafety.workdays import closed_reason

    if after_hours or closed_reason(school, day, closures):
        day += datetime.timedelta(days=1)
        while closed_reason(school, day, closures):
            day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, school.school_day_ends, tzinfo=school.tz)


@figure(
    "incidents.by_month",
    stale_on={
        Incident: "school_id",
        TimelineEntry: "incident__school_id",
        "incidents.Referral": "incident__school_id",
        "incidents.IncidentTag": lambda t: t.school_id if t.school_id else ALL_SCHOOLS,
        "esafety.ClosureDay": "school_id",
    },
)
def by_month(school_ids, today) -> dict[int, dict]:
    """Per school and calendar month (reported in it; the last MONTHS_KEPT): incidents by
    risk area (4Cs), category and kind; escalated; acknowledged, how long it took (minutes,
    for medians) and how many the same school day; referrals by agency (by the month
    referred). Counts of concerns about staff and about the headteacher apart. Six
    queries whatever the number of schools or incidents."""
    from django.db.models.functions import TruncMonth

    from esafety.models import ClosureDay, School

    from .models import ALLEGATION_SUBJECTS, Referral, Subject

    keys = months_back(today)
    first = first_of(keys[0])
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    result = {s: {"months": {k: _empty_month() for k in keys}} for s in school_ids}

    def month_of(school_id, when):
        return result[school_id]["months"].get(month_key(when))

    incidents = Incident.objects.submitted().filter(
        school_id__in=school_ids, reported_at__gte=start
    )
    rows = (
        incidents.annotate(month=TruncMonth("reported_at"))
        .values("school_id", "month", "subject", "risk_area", "category")
        .annotate(n=Count("pk"), escalated=Count("pk", filter=Q(escalated_at__isnull=False)))
        .order_by()
    )
    for row in rows:
        month = month_of(row["school_id"], row["month"])
        if month is None:
            continue
        if row["subject"] == Subject.STAFF:
            month["staff_concerns"] += row["n"]
        elif row["subject"] == Subject.HEADTEACHER:
            month["head_concerns"] += row["n"]
        else:
            month["total"] += row["n"]
            month["escalated"] += row["escalated"]
            for name, value in (("by_area", row["risk_area"]), ("by_category", row["category"])):
                key = value or "not recorded"
                month[name][key] = month[name].get(key, 0) + row["n"]
    ordinary = incidents.exclude(subject__in=ALLEGATION_SUBJECTS)
    tags = (
        ordinary.annotate(month=TruncMonth("reported_at"))
        .values("school_id", "month", "tags__name")
        .exclude(tags__name=None)
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in tags:
        month = month_of(row["school_id"], row["month"])
        if month is not None:
            name = row["tags__name"]
            month["by_tag"][name] = month["by_tag"].get(name, 0) + row["n"]
    schools = {s.pk: s for s in School.objects.filter(pk__in=school_ids)}
    closures: dict[int, dict] = {s: {} for s in school_ids}
    for school_id, day, reason in ClosureDay.objects.filter(
        school_id__in=school_ids, date__gte=first
    ).values_list("school_id", "date", "reason"):
        closures[school_id][day] = reason
    acknowledged = ordinary.filter(acknowledged_at__isnull=False).values_list(
        "school_id", "reported_at", "acknowledged_at"
    )
    deadlines = {}  # (school, date, after hours) -> when the same school day ends
    for school_id, reported, acked in acknowledged.order_by().iterator(chunk_size=5000):
        school = schools[school_id]
        local = reported.astimezone(school.tz)
        month = month_of(school_id, local)
        if month is None:
            continue
        month["acknowledged"] += 1
        month["ack_minutes"].append(max(0, int((acked - reported).total_seconds() // 60)))
        key = (school_id, local.date(), local.time() >= school.school_day_ends)
        if key not in deadlines:
            deadlines[key] = _same_school_day_end(school, *key[1:], closures[school_id])
        month["same_day"] += acked <= deadlines[key]
    for months in result.values():
        for month in months["months"].values():
            month["ack_minutes"].sort()
    referrals = (
        Referral.objects.filter(incident__school_id__in=school_ids, referred_on__gte=first)
        .exclude(incident__subject__in=ALLEGATION_SUBJECTS)
        .values("incident__school_id", "referred_on__year", "referred_on__month", "agency")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in referrals:
        key = f"{row['referred_on__year']:04d}-{row['referred_on__month']:02d}"
        month = result[row["incident__school_id"]]["months"].get(key)
        if month is not None:
            month["referrals"][row["agency"]] = month["referrals"].get(row["agency"], 0) + row["n"]
    return result


@figure(
    "incidents.overdue_actions",
    stale_on={TimelineEntry: "incident__school_id", Incident: "school_id"},
)
def overdue_actions(school_ids, today) -> dict[int, int]:
    """Actions not done by their due date, per school, on incidents that are not concerns
    about staff (those are the chair's and the headteacher's, counted apart)."""
    from .models import ALLEGATION_SUBJECTS, ActionKind

    rows = (
        TimelineEntry.objects.filter(
            incident__school_id__in=school_ids,
            kind=ActionKind.ACTION,
            done_at__isnull=True,
            due_on__lt=today,
        )
        .exclude(incident__status=Status.DRAFT)
        .exclude(incident__subject__in=ALLEGATION_SUBJECTS)
        .values_list("incident__school_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = dict(rows)
    return {s: found.get(s, 0) for s in school_ids}


BY_VULNERABILITY = "incidents.by_vulnerability"


@figure(
    BY_VULNERABILITY,
    stale_on={
        Incident: "school_id",
        IncidentPerson: "incident__school_id",
        PupilFlag: "school_id",
    },
)
def by_vulnerability(school_ids, today) -> dict[int, dict]:
    """Per school, {flag: incidents in the last 365 days involving a pupil flagged so
    today}: counts of incidents, no names (trustees see them through the small-number
    rule). Concerns about the headteacher are left out. One GROUP BY."""
    start = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=365), datetime.time.min)
    )
    part = "pupil__incident_parts__"
    rows = (
        PupilFlag.objects.active()
        .filter(school_id__in=school_ids)
        .filter(
            **{
                f"{part}kind": PersonKind.PUPIL,
                f"{part}incident__school_id": F("school_id"),
                f"{part}incident__reported_at__gte": start,
            }
        )
        .exclude(**{f"{part}incident__status": Status.DRAFT})
        .exclude(**{f"{part}incident__subject": HIDDEN_SUBJECT})
        .values("school_id", "flag")
        .annotate(incidents=Count(f"{part}incident", distinct=True))
        .order_by()
    )
    found: dict[int, dict] = {school_id: {} for school_id in school_ids}
    for row in rows:
        found[row["school_id"]][row["flag"]] = row["incidents"]
    return found
