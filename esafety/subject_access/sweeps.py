"""Subject access deadlines, on the core sweep: whoever handles a request is reminded a
week before its deadline and on the day; a request still open after it is escalated to
the headteacher, and its handler is told too. Each once per deadline (an extension gives
new reminders). The handler is read when each is sent, so a request handed to someone
else (services.hand_to) reminds the new handler from then on."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from ..models import Membership, Role
from ..models_subject_access import SubjectAccessRequest
from ..notifications import notify
from ..roles import MANAGER_ROLES
from ..services import attributed
from ..sweeps import sweep_job, sweep_key

REMIND_DAYS_BEFORE = 7


def _holders(school, roles):
    people = Membership.objects.active().filter(school=school, role__in=roles)
    return list({m.user_id: m.user for m in people.select_related("user")}.values())


def _current_handler(sar, leads):
    """Whoever handles it, if they still lead the school (a leaver is not reminded)."""
    return sar.handled_by if sar.handled_by_id in {p.pk for p in leads} else None


def _handlers(sar):
    """Whoever handles it, if they still lead the school; else the school's leads."""
    leads = _holders(sar.school, MANAGER_ROLES)
    handler = _current_handler(sar, leads)
    return [handler] if handler else leads


@sweep_job("esafety.subject_access_deadlines")
def subject_access_deadlines(sweep):
    today = timezone.localtime(sweep.now).date()
    soon = today + timedelta(days=REMIND_DAYS_BEFORE)
    due = (
        SubjectAccessRequest.objects.open()
        .filter(Q(extended_to__isnull=True, due_on__lte=soon) | Q(extended_to__lte=soon))
        .select_related("school", "handled_by")
    )
    for sar in due:
        left = (sar.deadline - today).days
        key = sweep_key("sar", sar.pk, sar.deadline.isoformat())
        link = sar.get_absolute_url()
        if left < 0:
            sweep.once(f"{key}:overdue", lambda sar=sar, link=link: _escalate(sar, link, sweep))
            continue
        title = (
            f"Subject access request {sar.reference} is due today"
            if left == 0
            else f"Subject access request {sar.reference} is due on {sar.deadline:%-d %B}"
        )

        def remind(sar=sar, title=title, link=link):
            for person in _handlers(sar):
                notify(person, title=title, link=link)

        sweep.once(f"{key}:{'today' if left == 0 else 'week'}", remind)


def _escalate(sar, link, sweep) -> None:
    claimed = (
        SubjectAccessRequest.objects.select_for_update()
        .filter(pk=sar.pk, status=sar.status, escalated_at__isnull=True)
        .first()
    )
    if claimed is None:
        return
    claimed.escalated_at = sweep.now
    attributed(claimed, None, "Deadline sweep: past its deadline").save(
        update_fields=["escalated_at"]
    )
    heads = _holders(sar.school, {Role.HEADTEACHER}) or _holders(sar.school, MANAGER_ROLES)
    # The handler, if still a lead, hears it too: each person once (a head may handle it).
    handler = _current_handler(sar, _holders(sar.school, MANAGER_ROLES))
    told = {person.pk: person for person in heads + ([handler] if handler else [])}
    for head in told.values():
        notify(
            head,
            title=f"Subject access request {sar.reference} is past its deadline",
            body=f"It was due on {sar.deadline:%-d %B %Y} and has not been answered.",
            link=link,
        )
