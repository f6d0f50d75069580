"""The action plan's reminders, registered with the core deadline sweep: the owner hears
on the due date, and again once it is overdue. Each reminder once (`sweep.once`: a unique
key per action, due date and kind), so a sweep that runs twice sends nothing twice; a new
due date arms new reminders."""

from django.db.models import F
from django.utils import timezone

from esafety.notifications import notify
from esafety.sweeps import pending, sweep_job, sweep_key

from .models import ActionItem


def _tell(action, title):
    if action.owner.is_active:
        notify(action.owner, title=title, link=action.get_absolute_url())


@sweep_job("selfreview.actions")
def remind_action_owners(sweep):
    today = timezone.localdate(sweep.now)
    open_actions = ActionItem.objects.open().select_related("owner")
    due_today = pending(
        open_actions.filter(due_on=today), "selfreview.action", F("pk"), F("due_on"), "due"
    )
    for action in due_today:
        sweep.once(
            sweep_key("selfreview.action", action.pk, action.due_on, "due"),
            lambda a=action: _tell(a, "A self-review action of yours is due today"),
        )
    overdue = pending(
        open_actions.filter(due_on__lt=today), "selfreview.action", F("pk"), F("due_on"), "overdue"
    )
    for action in overdue:
        sweep.once(
            sweep_key("selfreview.action", action.pk, action.due_on, "overdue"),
            lambda a=action: _tell(a, "A self-review action of yours is overdue"),
        )
