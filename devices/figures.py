"""The devices app's figures for the core's cached figures layer: counts per school, never
names. Home panels and the trustees' page read these, not live queries of their own."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from esafety.figures import figure
from esafety.models import Membership

from .compliance import DEFAULT_OS_CHECK_DAYS, non_compliant_q
from .loans import leavers_q
from .models import IN_SERVICE, Breach, Confiscation, Device, DeviceSettings, IcoDecision, Loan

YEAR = timedelta(days=365)


@dataclass
class DeviceFigures:
    in_service: int = 0
    non_compliant: int = 0
    open_loans: int = 0
    awaiting_signature: int = 0
    overdue_loans: int = 0
    leavers_with_loans: int = 0
    held_now: int = 0
    confiscations_year: int = 0
    breaches_year: int = 0
    reported_year: int = 0
    reported_on_time_year: int = 0
    decided_late_year: int = 0
    # Undecided breaches as (id, ICO deadline, number): the 72-hour clock on the head's home
    # page.
    undecided: list = field(default_factory=list)


def _os_days(school_ids) -> dict[int, int]:
    days = dict(
        DeviceSettings.objects.filter(school_id__in=school_ids).values_list(
            "school_id", "os_check_days"
        )
    )
    return {s: days.get(s, DEFAULT_OS_CHECK_DAYS) for s in school_ids}


def _count_devices(result, school_ids, today):
    by_days = defaultdict(list)
    for school_id, days in _os_days(school_ids).items():
        by_days[days].append(school_id)
    for days, ids in by_days.items():  # one query per distinct setting (usually one)
        rows = (
            Device.objects.filter(school_id__in=ids)
            .values("school_id")
            .annotate(
                in_service=Count("pk", filter=Q(status__in=IN_SERVICE)),
                non_compliant=Count("pk", filter=non_compliant_q(today, days)),
            )
            .order_by()
        )
        for row in rows:
            result[row["school_id"]].in_service = row["in_service"]
            result[row["school_id"]].non_compliant = row["non_compliant"]


def _count_loans(result, school_ids, today):
    rows = (
        Loan.objects.open()
        .filter(school_id__in=school_ids)
        .values("school_id")
        .annotate(
            open_loans=Count("pk"),
            awaiting=Count("pk", filter=Q(handed_over_at__isnull=True)),
            overdue=Count("pk", filter=Q(handed_over_at__isnull=False, due_back__lt=today)),
            leavers=Count("pk", filter=leavers_q()),
        )
        .order_by()
    )
    for row in rows:
        figures = result[row["school_id"]]
        figures.open_loans, figures.awaiting_signature = row["open_loans"], row["awaiting"]
        figures.overdue_loans, figures.leavers_with_loans = row["overdue"], row["leavers"]


def _count_confiscations(result, school_ids, since):
    rows = (
        Confiscation.objects.filter(school_id__in=school_ids)
        .values("school_id")
        .annotate(
            held=Count("pk", filter=Q(released_at__isnull=True)),
            year=Count("pk", filter=Q(confiscated_at__gte=since)),
        )
        .order_by()
    )
    for row in rows:
        result[row["school_id"]].held_now = row["held"]
        result[row["school_id"]].confiscations_year = row["year"]


def _count_breaches(result, school_ids, since):
    breaches = Breach.objects.filter(school_id__in=school_ids).filter(
        Q(became_aware_at__gte=since) | Q(ico_decision=IcoDecision.UNDECIDED)
    )
    for breach in breaches.order_by("became_aware_at"):
        figures = result[breach.school_id]
        if not breach.is_decided:
            figures.undecided.append((breach.pk, breach.ico_deadline, breach.number))
        if breach.became_aware_at < since:
            continue
        figures.breaches_year += 1
        figures.reported_year += breach.ico_decision == IcoDecision.REPORT
        figures.reported_on_time_year += breach.reported_on_time()
        figures.decided_late_year += breach.is_decided and breach.is_late()


@figure(
    "devices.summary",
    stale_on={
        Device: "school_id",
        DeviceSettings: "school_id",
        Loan: "school_id",
        Confiscation: "school_id",
        Breach: "school_id",
        Membership: "school_id",  # a borrower leaving
    },
    # Compliance ages by the hour (definitions older than 7 days); a short life is enough.
    timeout=15 * 60,
)
def summary(school_ids, today) -> dict[int, DeviceFigures]:
    result = {school_id: DeviceFigures() for school_id in school_ids}
    since = timezone.now() - YEAR
    _count_devices(result, school_ids, today)
    _count_loans(result, school_ids, today)
    _count_confiscations(result, school_ids, since)
    _count_breaches(result, school_ids, since)
    return result


# --- governance: confiscations and breaches per calendar month (appended) ---


@figure(
    "devices.by_month",
    stale_on={Confiscation: "school_id", Breach: "school_id"},
)
def by_month(school_ids, today) -> dict[int, dict]:
    """Per school and month (the last 37, as incidents.by_month): confiscations; breaches
    the school became aware of, how many were reported to the ICO and how many of those
    within the 72 hours. Two queries."""
    from datetime import datetime, time

    from django.db.models.functions import TruncMonth

    from esafety.figures import first_of, month_key, months_back

    keys = months_back(today)
    first = timezone.make_aware(datetime.combine(first_of(keys[0]), time.min))
    zero = {"confiscations": 0, "breaches": 0, "reported": 0, "reported_on_time": 0}
    result = {s: {"months": {k: dict(zero) for k in keys}} for s in school_ids}
    rows = (
        Confiscation.objects.filter(school_id__in=school_ids, confiscated_at__gte=first)
        .annotate(month=TruncMonth("confiscated_at"))
        .values("school_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        month = result[row["school_id"]]["months"].get(month_key(row["month"]))
        if month is not None:
            month["confiscations"] += row["n"]
    for breach in Breach.objects.filter(school_id__in=school_ids, became_aware_at__gte=first):
        key = month_key(timezone.localtime(breach.became_aware_at))
        month = result[breach.school_id]["months"].get(key)
        if month is None:
            continue
        month["breaches"] += 1
        month["reported"] += breach.ico_decision == IcoDecision.REPORT
        month["reported_on_time"] += breach.reported_on_time()
    return result
