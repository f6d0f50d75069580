"""Device timers, registered with the core sweep. Each reminder happens once per key."""

import datetime
from datetime import timedelta

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from esafety.models import Membership, Role, School, StaffType, TrusteeMembership
from esafety.notifications import notify
from esafety.services import attributed, holders
from esafety.sweeps import pending, sweep_job, sweep_key

from .compliance import non_compliant_q, os_check_days_for
from .loans import leavers_q, parents_of_borrowers, remind_borrower
from .models import Breach, ComplianceReminder, Confiscation, Device, Loan

TECHNICIAN_AFTER_OVERDUE = timedelta(days=7)
BREACH_REMINDERS = (24, 48)  # hours after the school became aware
BREACH_ESCALATION = 60
BREACH_DEADLINE = 72


def technicians(school, cache: dict | None = None) -> list:
    """Who looks after the devices: the technicians, else the school's leads (looked up
    once per school in a sweep when given a cache)."""
    if cache is not None and school.pk in cache:
        return cache[school.pk]
    found = holders(school, Role.TECHNICIAN) or holders(
        school, Role.ESAFETY_OFFICER, Role.HEADTEACHER
    )
    if cache is not None:
        cache[school.pk] = found
    return found


def iso_week(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@sweep_job("devices.compliance")
def weekly_compliance(sweep):
    """Once a week, the technician hears which devices are non-compliant; those still
    non-compliant a week after a reminder go to the headteacher."""
    today = timezone.localdate(sweep.now)
    week = iso_week(today)
    schools = School.objects.filter(devices__isnull=False).distinct()
    for school in schools:
        ids = list(
            Device.objects.filter(school=school)
            .filter(non_compliant_q(today, os_check_days_for(school)))
            .values_list("pk", flat=True)
        )
        if ids:
            sweep.once(
                sweep_key("devices", school.pk, "non-compliant", week),
                lambda s=school, ids=ids: _remind_technicians(s, ids, week, sweep.now),
            )
        earlier = (
            ComplianceReminder.objects.filter(school=school, sent_at__lte=sweep.now - timedelta(7))
            .order_by("-sent_at")
            .first()
        )
        still = sorted(set(ids) & set(earlier.device_ids)) if earlier else []
        if still:
            sweep.once(
                sweep_key("devices", school.pk, "still-non-compliant", earlier.week),
                lambda s=school, still=still: _tell_headteacher(s, len(still)),
            )


def _remind_technicians(school, ids, week, now):
    ComplianceReminder.objects.create(school=school, week=week, sent_at=now, device_ids=ids)
    link = reverse("devices-non-compliant", args=[school.slug])
    for person in technicians(school):
        notify(person, title=f"{len(ids)} device(s) are not compliant this week", link=link)


def _tell_headteacher(school, count):
    link = reverse("devices-non-compliant", args=[school.slug])
    for head in holders(school, Role.HEADTEACHER):
        notify(
            head,
            title=f"{count} device(s) are still not compliant a week after IT support was told",
            link=link,
        )


@sweep_job("devices.overdue_loans")
def overdue_loans(sweep):
    """The day after a loan is due back the borrower (or parent) is reminded; a week later,
    the technician."""
    today = timezone.localdate(sweep.now)
    overdue = (
        Loan.objects.open()
        .filter(handed_over_at__isnull=False, due_back__lt=today)
        .select_related("device", "borrower", "school")
    )
    due = list(pending(overdue, "loan", F("pk"), "overdue"))
    parents = parents_of_borrowers(due)
    for loan in due:
        sweep.once(
            sweep_key("loan", loan.pk, "overdue"),
            lambda loan=loan: remind_borrower(
                loan,
                title=f"Please return the school's {loan.device.get_kind_display().lower()}",
                parents=parents,
            ),
        )
    late = overdue.filter(due_back__lt=today - TECHNICIAN_AFTER_OVERDUE)
    people = {}
    for loan in pending(late, "loan", F("pk"), "overdue-technician"):
        sweep.once(
            sweep_key("loan", loan.pk, "overdue-technician"),
            lambda loan=loan: _tell_technicians(loan, "is a week overdue", people),
        )


@sweep_job("devices.leavers")
def leavers_with_devices(sweep):
    """When a borrower's role ends, the technician's list has their loan and they are
    reminded to return it (staff: with PIN and IDs left so it can be reset)."""
    leaving = Loan.objects.open().filter(leavers_q()).select_related("device", "borrower", "school")
    for loan in pending(leaving, "loan", F("pk"), "leaver"):

        def act(loan=loan):
            remind_borrower(loan, title="Please return the school's device before you leave")
            _tell_technicians(loan, "is with someone who is leaving")

        sweep.once(sweep_key("loan", loan.pk, "leaver"), act)


def _tell_technicians(loan, what, cache=None):
    for person in technicians(loan.school, cache):
        notify(
            person, title=f"Loan of {loan.device.asset_tag} {what}", link=loan.get_absolute_url()
        )


def last_day_end(school, now) -> datetime.datetime:
    """The most recent end of a school day (today's if it has passed, else yesterday's)."""
    local = now.astimezone(school.tz)
    end = datetime.datetime.combine(local.date(), school.school_day_ends, tzinfo=school.tz)
    return end if local >= end else end - timedelta(days=1)


@sweep_job("devices.confiscations")
def held_after_school(sweep):
    """A device still held after the end of the school day: the member of staff who took
    it and the office are reminded, once for each day."""
    held = Confiscation.objects.held().select_related("school", "confiscated_by")
    for confiscation in held:
        day_end = last_day_end(confiscation.school, sweep.now)
        if confiscation.confiscated_at >= day_end:
            continue
        sweep.once(
            sweep_key("confiscation", confiscation.pk, "held", day_end.date()),
            lambda c=confiscation: _remind_held(c),
        )


def office_staff(school) -> list:
    memberships = (
        Membership.objects.active()
        .filter(school=school, role=Role.STAFF, staff_type=StaffType.OFFICE)
        .select_related("user")
    )
    return [m.user for m in memberships] or holders(school, Role.ESAFETY_OFFICER)


def _remind_held(confiscation):
    people = {confiscation.confiscated_by, *office_staff(confiscation.school)}
    for person in people:
        notify(
            person,
            title="A confiscated device is still held after the end of the school day",
            link=confiscation.get_absolute_url(),
        )


@sweep_job("devices.breach_clock")
def breach_clock(sweep):
    """While the ICO decision is not made: reminders to the headteacher at 24 and 48 hours,
    the chair of trustees at 60 hours, and at 72 hours the deadline has passed."""
    undecided = Breach.objects.undecided().select_related("school__trust")
    for hours in (*BREACH_REMINDERS, BREACH_ESCALATION, BREACH_DEADLINE):
        due = undecided.filter(became_aware_at__lte=sweep.now - timedelta(hours=hours))
        for breach in pending(due, "breach", F("pk"), f"{hours}h"):
            sweep.once(
                sweep_key("breach", breach.pk, f"{hours}h"),
                lambda b=breach, h=hours: _breach_step(b, h, sweep.now),
            )


def _breach_step(breach, hours, now):
    link = breach.get_absolute_url()
    if hours == BREACH_ESCALATION:
        breach.escalated_at = now
        attributed(breach, None, "No ICO decision after 60 hours: sent to the chair").save()
        chairs = TrusteeMembership.objects.active().filter(
            trust=breach.school.trust_id, is_chair=True
        )
        for chair in chairs.select_related("user"):
            notify(
                chair.user,
                title=f"A data breach at {breach.school} has no ICO decision after 60 hours",
                link=link,
            )
        return
    title = (
        "The 72 hours to tell the ICO about a data breach have passed"
        if hours == BREACH_DEADLINE
        else f"{BREACH_DEADLINE - hours} hours left to decide whether to tell the ICO"
    )
    for head in holders(breach.school, Role.HEADTEACHER):
        notify(head, title=title, link=link)
