"""Device timers, registered with the core sweep. Each reminder happens once per key.

Routine matters go to the technician as one daily summary per school (`summary.py`):
non-compliant devices by reason, loans a week overdue, loans with leavers. Urgent ones
stay separate and immediate: a device held after the school day, the data-breach clock.
Reminders to borrowers go to each borrower (or parent) once. Everything is read in bulk
and written in bulk (`Sweep.once_each`, `notify_many`): no query per device or loan.
"""

import datetime
from datetime import timedelta

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from esafety.models import Membership, Role, StaffType, SweepAction, TrusteeMembership
from esafety.notifications import notify, notify_many
from esafety.roles import allowed
from esafety.services import attributed, holders
from esafety.sweeps import pending, sweep_job, sweep_key

from .leavers import end_leavers_sessions  # importing it connects its people_left receiver
from .loans import leavers_q, parents_of_borrowers, signers_for
from .models import Breach, ComplianceReminder, Confiscation, LeaverChecklist, Loan, Software
from .summary import non_compliant_ids, send_summaries

BREACH_REMINDERS = (24, 48)  # hours into the 72 (counted back from the stored deadline)
BREACH_ESCALATION = 60
BREACH_DEADLINE = 72
STILL_LOOK_BACK = timedelta(days=21)


@sweep_job("devices.summary")
def daily_summary(sweep):
    """Each working day from 7am, one summary per school to each technician."""
    send_summaries(sweep)


@sweep_job("devices.compliance")
def still_non_compliant(sweep):
    """Devices still non-compliant a week after a summary first named them go to the
    headteacher (the seed: IT support reports concerns to the headteacher), once for
    each week's list."""
    recent = ComplianceReminder.objects.filter(
        sent_at__lte=sweep.now - timedelta(days=7),
        sent_at__gt=sweep.now - STILL_LOOK_BACK,
    ).select_related("school")
    latest = {}
    for reminder in recent.defer("device_ids").order_by("sent_at"):
        latest[reminder.school_id] = reminder
    keys = {
        sweep_key("devices", r.school_id, "still-non-compliant", r.week): r for r in latest.values()
    }
    done = set(SweepAction.objects.filter(key__in=list(keys)).values_list("key", flat=True))
    due = {key: r for key, r in keys.items() if key not in done}
    if not due:
        return
    schools = {}
    for r in due.values():
        schools[r.school] = timezone_date(r.school, sweep.now)
    now_ids = non_compliant_ids(schools)
    named = dict(
        ComplianceReminder.objects.filter(pk__in=[r.pk for r in due.values()]).values_list(
            "pk", "device_ids"
        )
    )
    for key, reminder in due.items():
        count = len(set(named[reminder.pk]) & set(now_ids[reminder.school_id]))
        if count:
            sweep.once(key, lambda s=reminder.school, n=count: _tell_headteacher(s, n))


def timezone_date(school, now) -> datetime.date:
    return now.astimezone(school.tz).date()


def _tell_headteacher(school, count):
    link = reverse("devices-non-compliant", args=[school.slug])
    for head in holders(school, Role.HEADTEACHER):
        notify(
            head,
            title=f"{count} device(s) are still not compliant a week after IT support was told",
            link=link,
        )


def _remind_borrowers(sweep, loans, step: str, title) -> None:
    """Each loan's borrower (or the parents who signed for a pupil), once per loan."""
    loans = list(loans)
    if not loans:
        return
    parents = parents_of_borrowers(loans)
    by_key = {sweep_key("loan", loan.pk, step): loan for loan in loans}

    def send(claimed):
        notify_many(
            {
                "recipient": person,
                "title": title(by_key[key]),
                "link": by_key[key].get_absolute_url(),
            }
            for key in claimed
            for person in signers_for(by_key[key], parents)
        )

    sweep.once_each(by_key, send)


@sweep_job("devices.overdue_loans")
def overdue_loans(sweep):
    """The day after a loan is due back the borrower (or parent) is reminded; a week later
    it is on the technician's daily summary."""
    today = timezone.localdate(sweep.now)
    overdue = (
        Loan.objects.open()
        .filter(handed_over_at__isnull=False, due_back__lt=today)
        .select_related("device", "borrower")
    )
    _remind_borrowers(
        sweep,
        pending(overdue, "loan", F("pk"), "overdue"),
        "overdue",
        lambda loan: f"Please return the school's {loan.device.get_kind_display().lower()}",
    )


@sweep_job("devices.leavers")
def leavers_with_devices(sweep):
    """When a borrower's role ends, their loan is on the technician's list (and daily
    summary) and they are reminded to return it (staff: with PIN and IDs left so it can be
    reset)."""
    leaving = Loan.objects.open().filter(leavers_q()).select_related("borrower")
    _remind_borrowers(
        sweep,
        pending(leaving, "loan", F("pk"), "leaver"),
        "leaver",
        lambda loan: "Please return the school's device before you leave",
    )


def last_day_end(school, now) -> datetime.datetime:
    """The most recent end of a school day (today's if it has passed, else yesterday's)."""
    local = now.astimezone(school.tz)
    end = datetime.datetime.combine(local.date(), school.school_day_ends, tzinfo=school.tz)
    return end if local >= end else end - timedelta(days=1)


@sweep_job("devices.confiscations")
def held_after_school(sweep):
    """A device still held after the end of the school day: the member of staff who took
    it and the office are reminded at once, once for each day."""
    by_key = {}
    for confiscation in Confiscation.objects.held().select_related("school", "confiscated_by"):
        day_end = last_day_end(confiscation.school, sweep.now)
        if confiscation.confiscated_at < day_end:
            key = sweep_key("confiscation", confiscation.pk, "held", day_end.date())
            by_key[key] = confiscation
    if not by_key:
        return

    def send(claimed):
        office = office_staff_by_school({by_key[key].school_id for key in claimed})
        notify_many(
            {
                "recipient": person,
                "title": "A confiscated device is still held after the end of the school day",
                "link": by_key[key].get_absolute_url(),
            }
            for key in claimed
            for person in {by_key[key].confiscated_by, *office[by_key[key].school_id]}
        )

    sweep.once_each(by_key, send)


def office_staff_by_school(school_ids) -> dict[int, list]:
    """Each school's office staff, else its e-safety officers (one query)."""
    office, officers = {}, {}
    memberships = (
        Membership.objects.active()
        .filter(school_id__in=school_ids)
        .filter(Q(role=Role.STAFF, staff_type=StaffType.OFFICE) | Q(role=Role.ESAFETY_OFFICER))
        .select_related("user")
        .order_by("started_on", "pk")
    )
    for m in memberships:
        if m.user.is_active:
            (officers if m.role == Role.ESAFETY_OFFICER else office).setdefault(m.school_id, {})[
                m.user
            ] = None
    return {pk: list(office.get(pk) or officers.get(pk) or {}) for pk in school_ids}


@sweep_job("devices.breach_clock")
def breach_clock(sweep):
    """While the ICO decision is not made: reminders to the headteacher at 24 and 48 hours,
    the chair of trustees at 60 hours, and at 72 hours the deadline has passed."""
    undecided = Breach.objects.undecided().select_related("school__trust")
    for hours in (*BREACH_REMINDERS, BREACH_ESCALATION, BREACH_DEADLINE):
        # Counted back from the stored deadline, so "24 hours left" is 24 hours before it.
        left = timedelta(hours=BREACH_DEADLINE - hours)
        due = undecided.filter(ico_deadline__lte=sweep.now + left)
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


# --- the software register's review dates ---------------------------------------------------

REVIEW_BEFORE = timedelta(days=30)
REVIEW_OFFICER_AFTER = timedelta(days=7)


@sweep_job("devices.software_reviews")
def software_reviews(sweep):
    """The register of software and online services: 30 days before a review date and on
    it, the person who approved the entry is reminded (the e-safety officer when nobody
    is named); a week overdue, the e-safety officer. Each once for each review date: a new
    date starts again."""
    today = timezone.localdate(sweep.now)
    steps = (
        ("before", today + REVIEW_BEFORE, False),
        ("due", today, False),
        ("overdue", today - REVIEW_OFFICER_AFTER, True),
    )
    for step, when, officer in steps:
        entries = Software.objects.filter(review_due__lte=when).select_related(
            "approved_by", "school"
        )
        if step == "before":  # on or after the date, "due today" says it
            entries = entries.filter(review_due__gt=today)
        entries = list(pending(entries, "software", F("pk"), "review", F("review_due"), step))
        if entries:
            _remind_reviewers(sweep, entries, step, officer, today)


def _review_words(step: str, review_due, today) -> str:
    """What the reminder says, from the dates: a date already long past when first swept
    (a new entry, or the first run after an upgrade) is neither "today" nor "a week"."""
    if step == "before":
        return "is due for review within 30 days"
    if review_due == today:
        return "is due for review today"
    if step == "overdue" and review_due == today - REVIEW_OFFICER_AFTER:
        return "is a week overdue for review"
    if step == "overdue":
        return f"is overdue for review (due on {review_due:%-d %B %Y})"
    return f"was due for review on {review_due:%-d %B %Y}"


def _remind_reviewers(sweep, entries, step, officer_only, today) -> None:
    by_key = {sweep_key("software", e.pk, "review", e.review_due, step): e for e in entries}

    def send(claimed):
        chosen = [by_key[key] for key in claimed]
        officers = officers_by_school({e.school_id for e in chosen})
        may_edit = {}  # (approver, school): asked once however many entries they approved
        messages = []
        for entry in chosen:
            owner = entry.approved_by
            # The approver only while they may still edit the entry (devices.manage at
            # its school): someone who has left would get a link that refuses them.
            reminds_owner = False
            if owner is not None and not officer_only:
                key = (owner.pk, entry.school_id)
                if key not in may_edit:
                    may_edit[key] = owner.is_active and allowed(
                        owner, "devices.manage", entry.school_id
                    )
                reminds_owner = may_edit[key]
            people = [owner] if reminds_owner else officers[entry.school_id]
            link = reverse("software-edit", args=[entry.pk])
            words = _review_words(step, entry.review_due, today)
            title = f"{entry.name} in the software register {words}"
            messages += [{"recipient": p, "title": title, "link": link} for p in people]
        notify_many(messages)

    sweep.once_each(by_key, send)


def officers_by_school(school_ids) -> dict[int, list]:
    found = {pk: {} for pk in school_ids}
    memberships = (
        Membership.objects.active()
        .filter(school_id__in=school_ids, role=Role.ESAFETY_OFFICER, user__is_active=True)
        .select_related("user")
        .order_by("started_on", "pk")
    )
    for m in memberships:
        found[m.school_id][m.user] = None
    return {pk: list(people) for pk, people in found.items()}


# --- leaver checklists -------------------------------------------------------------------------


@sweep_job("devices.leaver_checklists")
def leaver_checklists(sweep):
    """A checklist not complete on the end date: IT support is reminded (the e-safety
    officer where the school has no technician); still not complete a few working days
    later (`escalate_on`): the headteacher. Each once for each end date."""
    today = timezone.localdate(sweep.now)
    steps = (
        ("remind", Q(ended_on__lte=today), (Role.TECHNICIAN,), "is not complete"),
        ("escalate", Q(escalate_on__lte=today), (Role.HEADTEACHER,), "is still not complete"),
    )
    for step, due, roles, words in steps:
        rows = LeaverChecklist.objects.open().filter(due).select_related("school", "person")
        for checklist in pending(rows, "leaver", F("pk"), step, F("ended_on")):
            sweep.once(
                sweep_key("leaver", checklist.pk, step, checklist.ended_on),
                lambda c=checklist, r=roles, w=words: _tell_about_leaver(c, r, w),
            )


def _tell_about_leaver(checklist, roles, words):
    people = holders(checklist.school, *roles) or holders(checklist.school, Role.ESAFETY_OFFICER)
    for person in people:
        notify(
            person,
            title=f"The leaver checklist for {checklist.person} {words}",
            link=checklist.get_absolute_url(),
        )


@sweep_job("devices.leaver_sessions")
def leaver_sessions(sweep):
    """Sessions of people who have left are ended (see leavers.py for why a sweep)."""
    end_leavers_sessions(sweep.now)
