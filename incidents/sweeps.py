"""Incident timers, registered with the core deadline sweep. Each fires once per key."""

from datetime import timedelta

from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from esafety.models import Role
from esafety.notifications import notify
from esafety.services import attributed
from esafety.sweeps import pending, sweep_job, sweep_key

from .deadlines import add_working_days
from .models import ActionKind, Agency, Incident, Referral, Status, TimelineEntry
from .routing import escalation_target, holders, second_escalation_target
from .rules import who_may_be_told


def _claim_escalation(incident, target, now) -> bool:
    """Mark it escalated, under a row lock, unless someone acknowledged it meanwhile.
    Saved (not updated) so its history shows the change, made by the system."""
    claimed = (
        Incident.objects.select_for_update()
        .filter(pk=incident.pk, status=Status.REPORTED, escalated_at__isnull=True)
        .first()
    )
    if claimed is None:
        return False
    claimed.escalated_at = now
    claimed.escalated_to = target
    attributed(claimed, None, "Deadline sweep: not acknowledged in time").save(
        update_fields=["escalated_at", "escalated_to"]
    )
    return True


def _log(incident, kind, text, now):
    TimelineEntry.objects.create(incident=incident, kind=kind, text=text, created_at=now)


@sweep_job("incidents.unacknowledged")
def escalate_unacknowledged(sweep):
    due = Incident.objects.filter(
        status=Status.REPORTED, acknowledge_by__lte=sweep.now, escalated_at__isnull=True
    ).select_related("school__trust", "routed_to")
    for incident in due:

        def escalate(incident=incident):
            target = escalation_target(incident)
            if not _claim_escalation(incident, target, sweep.now):
                return
            who = str(target) if target else "nobody (no headteacher or chair recorded)"
            _log(
                incident,
                ActionKind.ESCALATION,
                f"Not acknowledged in time: escalated to {who}.",
                sweep.now,
            )
            if target:
                notify(
                    target,
                    title=f"Incident {incident.named} was not acknowledged in time",
                    link=incident.get_absolute_url(),
                )

        sweep.once(sweep_key("incident", incident.pk, "unacknowledged"), escalate)


def _claim_second_escalation(incident, target, now) -> bool:
    claimed = (
        Incident.objects.select_for_update()
        .filter(pk=incident.pk, status=Status.REPORTED, trust_escalated_at__isnull=True)
        .first()
    )
    if claimed is None:
        return False
    claimed.trust_escalated_at = now
    claimed.trust_escalated_to = target
    attributed(claimed, None, "Deadline sweep: still not acknowledged a working day later").save(
        update_fields=["trust_escalated_at", "trust_escalated_to"]
    )
    return True


@sweep_job("incidents.second_escalation")
def escalate_to_trust(sweep):
    """Still not acknowledged a working day after the first escalation: the second level."""
    candidates = Incident.objects.filter(
        status=Status.REPORTED,
        escalated_at__lte=sweep.now - timedelta(days=1),
        trust_escalated_at__isnull=True,
    ).select_related("school__trust")
    for incident in candidates:
        if add_working_days(incident.school, incident.escalated_at, 1) > sweep.now:
            continue

        def escalate(incident=incident):
            target = second_escalation_target(incident)
            if not _claim_second_escalation(incident, target, sweep.now):
                return
            who = str(target) if target else "nobody (no trust lead or chair recorded)"
            _log(
                incident,
                ActionKind.ESCALATION,
                f"Still not acknowledged a working day after escalation: escalated to {who}.",
                sweep.now,
            )
            if target:
                notify(
                    target,
                    title=f"Incident {incident.named} is still not acknowledged",
                    link=incident.get_absolute_url(),
                )

        sweep.once(sweep_key("incident", incident.pk, "second_escalation"), escalate)


@sweep_job("incidents.overdue_actions")
def remind_overdue_actions(sweep):
    """An action past its due date: remind its owner, then escalate a day later."""
    today = timezone.localdate(sweep.now)
    overdue = TimelineEntry.objects.filter(
        kind=ActionKind.ACTION, done_at__isnull=True, due_on__lt=today
    ).select_related("incident__school__trust", "incident__routed_to", "owner")
    for entry in pending(overdue.filter(owner__isnull=False), "action", F("pk"), "reminder"):
        sweep.once(
            sweep_key("action", entry.pk, "reminder"), lambda e=entry: _remind_owner(e, sweep)
        )
    late = overdue.filter(due_on__lt=today - timedelta(days=1))
    for entry in pending(late, "action", F("pk"), "escalation"):
        sweep.once(
            sweep_key("action", entry.pk, "escalation"), lambda e=entry: _escalate_action(e, sweep)
        )


def _remind_owner(entry, sweep):
    incident = entry.incident
    _log(
        incident,
        ActionKind.REMINDER,
        f"Reminder sent to {entry.owner}: action overdue ({entry.text[:80]}).",
        sweep.now,
    )
    notify(
        entry.owner,
        title=f"An action on incident {incident.named} is overdue",
        link=entry.get_absolute_url(),
    )


def _escalate_action(entry, sweep):
    incident = entry.incident
    target = incident.routed_to
    if target is None or target == entry.owner:
        target = escalation_target(incident)
    _log(
        incident,
        ActionKind.ESCALATION,
        f"Overdue action escalated to {target}: {entry.text[:80]}",
        sweep.now,
    )
    if target:
        notify(
            target,
            title=f"An action on incident {incident.named} is still overdue",
            link=incident.get_absolute_url(),
        )


@sweep_job("incidents.review_due")
def remind_review_due(sweep):
    today = timezone.localdate(sweep.now)
    due = (
        Incident.objects.filter(review_date__lte=today, review_result="")
        .exclude(status=Status.DRAFT)
        .select_related("school")
    )
    officers_of = {}  # school id -> its e-safety officers: looked up once per school

    def officers(school):
        if school.pk not in officers_of:
            officers_of[school.pk] = holders(school, Role.ESAFETY_OFFICER)
        return officers_of[school.pk]

    for incident in due:

        def remind(incident=incident):
            officers_now = officers(incident.school) or [incident.routed_to]
            for officer in who_may_be_told(incident, officers_now):
                notify(
                    officer,
                    title=f"Incident {incident.named} is due for review",
                    link=incident.get_absolute_url(),
                )
            _log(incident, ActionKind.REMINDER, "Review date reached: reminder sent.", sweep.now)

        sweep.once(sweep_key("incident", incident.pk, "review", incident.review_date), remind)


@sweep_job("incidents.lado_referral")
def remind_lado_referral(sweep):
    lado_made = Referral.objects.filter(incident=OuterRef("pk"), agency=Agency.LADO)
    due = (
        Incident.objects.filter(lado_referral_due__lte=sweep.now)
        .exclude(status__in=[Status.DRAFT, Status.CLOSED])
        .filter(~Exists(lado_made))
        .select_related("routed_to", "school")
    )
    for incident in pending(due, "incident", F("pk"), "lado"):

        def remind(incident=incident):
            _log(
                incident,
                ActionKind.REMINDER,
                "No LADO referral recorded within one working day: reminder sent.",
                sweep.now,
            )
            if incident.routed_to:
                notify(
                    incident.routed_to,
                    title=f"Incident {incident.named}: a LADO referral is overdue",
                    link=incident.get_absolute_url(),
                )

        sweep.once(sweep_key("incident", incident.pk, "lado"), remind)
