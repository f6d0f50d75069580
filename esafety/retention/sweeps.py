"""The monthly retention review, on the core sweep: in the first sweep of each month,
each school's e-safety officer (or, with none, its headteacher) is told how many records
have reached their date and wait for their decision. Once per school per month (the
sweep's once key); a school with nothing due is told nothing. Nothing is destroyed here:
destruction is only ever approved by a person, on the review page."""

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from ..models import Membership, Role, School
from ..notifications import notify
from ..sweeps import pending, sweep_job, sweep_key
from . import services


def _officers(school):
    for roles in ({Role.ESAFETY_OFFICER}, {Role.HEADTEACHER}):
        people = Membership.objects.active().filter(school=school, role__in=roles)
        found = list({m.user_id: m.user for m in people.select_related("user")}.values())
        if found:
            return found
    return []


@sweep_job("esafety.retention_review")
def retention_review(sweep):
    today = timezone.localtime(sweep.now).date()
    month = f"{today:%Y-%m}"
    for school in pending(School.objects.order_by("pk"), "retention", F("pk"), month):

        def tell(school=school):
            link = reverse("retention-review", args=[school.slug])
            for officer in _officers(school):
                due = services.count_due(school, officer, today)
                if due:
                    notify(
                        officer,
                        title=f"{due} record{'s' if due != 1 else ''} reached the end of "
                        f"{'their' if due != 1 else 'its'} retention period",
                        body="Review them and approve what can be destroyed. Nothing is "
                        "destroyed until you approve it.",
                        link=link,
                    )

        sweep.once(sweep_key("retention", school.pk, month), tell)
