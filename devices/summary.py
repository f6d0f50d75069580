"""The technician's daily summary: one notification per school per person on each working
day, instead of one per device or loan ("12 devices need attention: 8 anti-virus out of
date, 4 not encrypted; 3 loans a week overdue").

Everything is counted in a few queries for all the schools at once (grouped by the
school's operating-system setting, usually one value), so the sweep's time does not grow
with the number of devices.
"""

import datetime
from collections import defaultdict
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse

from esafety.models import Membership, Role, School, SweepAction
from esafety.notifications import notify_many
from esafety.sweeps import sweep_key
from esafety.workdays import is_working_day

from .compliance import DEFAULT_OS_CHECK_DAYS, non_compliant_q, reason_groups_q
from .loans import leavers_q
from .models import ComplianceReminder, Device, DeviceSettings, Loan

SUMMARY_FROM = datetime.time(7, 0)  # school-local time: not a midnight email
TECHNICIAN_AFTER_OVERDUE = timedelta(days=7)


def iso_week(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def summary_key(school, day: datetime.date) -> str:
    return sweep_key("devices", school.pk, "summary", day)


def due_schools(now) -> dict[School, datetime.date]:
    """Schools whose summary for today (their local date) is not sent yet, on a working
    day from 7am. One query for the schools, one for the keys already done."""
    candidates = {}
    for school in School.objects.filter(
        Exists(Device.objects.filter(school=OuterRef("pk")))
        | Exists(Loan.objects.filter(school=OuterRef("pk")))
    ):
        local = now.astimezone(school.tz)
        if local.time() >= SUMMARY_FROM:
            candidates[summary_key(school, local.date())] = (school, local.date())
    done = set(SweepAction.objects.filter(key__in=list(candidates)).values_list("key", flat=True))
    return {
        school: day
        for key, (school, day) in candidates.items()
        if key not in done and is_working_day(school, day)
    }


def os_days_by_school(school_ids) -> dict[int, int]:
    days = dict(
        DeviceSettings.objects.filter(school_id__in=school_ids).values_list(
            "school_id", "os_check_days"
        )
    )
    return {pk: days.get(pk, DEFAULT_OS_CHECK_DAYS) for pk in school_ids}


def _by_setting(schools: dict) -> dict[tuple[int, datetime.date], list[int]]:
    groups = defaultdict(list)
    days = os_days_by_school([s.pk for s in schools])
    for school, today in schools.items():
        groups[(days[school.pk], today)].append(school.pk)
    return groups


def device_counts(schools: dict) -> dict[int, dict[str, int]]:
    """For each school: non-compliant devices, and how many for each group of reasons."""
    counts = {}
    for (days, today), ids in _by_setting(schools).items():
        groups = reason_groups_q(today, days)
        annotations = {f"g{n}": Count("pk", filter=q) for n, q in enumerate(groups.values())}
        rows = (
            Device.objects.filter(school_id__in=ids)
            .values("school_id")
            .annotate(total=Count("pk", filter=non_compliant_q(today, days)), **annotations)
            .order_by()
        )
        for row in rows:
            found = {name: row[f"g{n}"] for n, name in enumerate(groups)}
            counts[row["school_id"]] = {"total": row["total"], **found}
    return counts


def non_compliant_ids(schools: dict) -> dict[int, list[int]]:
    found = defaultdict(list)
    for (days, today), ids in _by_setting(schools).items():
        rows = (
            Device.objects.filter(school_id__in=ids)
            .filter(non_compliant_q(today, days))
            .values_list("school_id", "pk")
            .order_by("pk")
        )
        for school_id, pk in rows:
            found[school_id].append(pk)
    return found


def loan_counts(schools: dict) -> dict[int, dict[str, int]]:
    """Loans a week overdue, and open loans of people who are leaving, for each school."""
    counts = defaultdict(lambda: {"overdue": 0, "leavers": 0})
    ids = [s.pk for s in schools]
    oldest_today = min(schools.values())
    overdue = (
        Loan.objects.open()
        .filter(school_id__in=ids, handed_over_at__isnull=False)
        .filter(due_back__lt=oldest_today - TECHNICIAN_AFTER_OVERDUE)
        .values("school_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in overdue:
        counts[row["school_id"]]["overdue"] = row["n"]
    leaving = (
        Loan.objects.open()
        .filter(school_id__in=ids)
        .filter(leavers_q())
        .values("school_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in leaving:
        counts[row["school_id"]]["leavers"] = row["n"]
    return counts


def technicians_by_school(school_ids) -> dict[int, list]:
    """Who looks after each school's devices: its technicians, else its leads. Two queries
    for all the schools."""
    found = defaultdict(dict)
    fallback = defaultdict(dict)
    memberships = (
        Membership.objects.active()
        .filter(
            school_id__in=school_ids,
            role__in=(Role.TECHNICIAN, Role.ESAFETY_OFFICER, Role.HEADTEACHER),
            user__is_active=True,
        )
        .select_related("user")
        .order_by("started_on", "pk")
    )
    for m in memberships:
        (found if m.role == Role.TECHNICIAN else fallback)[m.school_id][m.user] = None
    return {pk: list(found.get(pk) or fallback.get(pk) or {}) for pk in school_ids}


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def summary_text(devices: dict | None, loans: dict) -> str:
    """ "12 devices need attention: 8 anti-virus out of date, 4 not encrypted; 3 loans a
    week overdue" ("" when nothing needs the technician)."""
    parts = []
    if devices and devices["total"]:
        reasons = ", ".join(f"{n} {name}" for name, n in devices.items() if name != "total" and n)
        need = "needs" if devices["total"] == 1 else "need"
        parts.append(
            f"{_plural(devices['total'], 'device', 'devices')} {need} attention: {reasons}"
        )
    if loans["overdue"]:
        parts.append(f"{_plural(loans['overdue'], 'loan', 'loans')} a week overdue")
    if loans["leavers"]:
        parts.append(f"{_plural(loans['leavers'], 'loan', 'loans')} with someone leaving")
    return "; ".join(parts)


def send_summaries(sweep) -> None:
    schools = due_schools(sweep.now)
    if not schools:
        return
    devices = device_counts(schools)
    loans = loan_counts(schools)
    by_key = {}
    for school, day in schools.items():
        text = summary_text(devices.get(school.pk), loans[school.pk])
        if text:
            by_key[summary_key(school, day)] = (school, day, text, devices.get(school.pk))
    if not by_key:
        return

    def send(claimed):
        chosen = {by_key[key][0]: by_key[key][1] for key in claimed}
        people = technicians_by_school([s.pk for s in chosen])
        messages = []
        for key in claimed:
            school, _day, text, counts = by_key[key]
            page = "devices-non-compliant" if counts and counts["total"] else "loans"
            link = reverse(page, args=[school.slug])
            for person in people[school.pk]:
                messages.append({"recipient": person, "title": f"{school}: {text}", "link": link})
        notify_many(messages)
        _record_week(chosen, sweep.now)

    sweep.once_each(by_key, send)


def _record_week(schools: dict, now) -> None:
    """The first summary of an ISO week records which devices it named: a week later,
    those still non-compliant go to the headteacher."""
    weeks = {school.pk: iso_week(day) for school, day in schools.items()}
    recorded = set(
        ComplianceReminder.objects.filter(school_id__in=weeks).values_list("school_id", "week")
    )
    new = {s: d for s, d in schools.items() if (s.pk, weeks[s.pk]) not in recorded}
    if not new:
        return
    ids = non_compliant_ids(new)
    ComplianceReminder.objects.bulk_create(
        [
            ComplianceReminder(
                school=school,
                week=weeks[school.pk],
                sent_at=now,
                device_ids=ids[school.pk],
            )
            for school, day in new.items()
            if ids[school.pk]
        ],
        ignore_conflicts=True,
    )
