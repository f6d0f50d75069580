"""Home panels: my risk actions due; risks due for review (e-safety officer, head);
accepted risks above MEDIUM coming up for review (head); the filtering review (leads).
Counts come from the figures layer, not live queries of their own."""

import datetime

from django.utils import timezone

from esafety.dashboard import Panel, dashboard_panel, first_with_count, schools_by_name
from esafety.figures import figures_for
from esafety.models import Role
from esafety.roles import access_for, managed_school_ids, schools_with_roles

from .models import Action

DUE_SOON = datetime.timedelta(days=14)


@dashboard_panel(follows=["risks.register", "risks.filtering"])  # a review's actions too
def my_actions(request):
    """Anyone with an open risk or review action due within a fortnight (or overdue)."""
    user = request.user
    if not user.is_authenticated:
        return None
    today = timezone.localdate()
    mine = Action.objects.filter(owner=user, done_on__isnull=True, due_on__lte=today + DUE_SOON)
    items, count = first_with_count(mine.select_related("risk", "review"), 8)  # one query
    if not items:
        return None
    return Panel(
        title="Your risk actions due",
        template="risks/panels/my_actions.html",
        context={"items": items, "today": today},
        order=13,
        count=count,
    )


def _schools(request, ids):
    return schools_by_name(request, ids)


@dashboard_panel(follows=["risks.register", "risks.filtering", "risks.sign_offs"])
def register_reviews(request):
    """E-safety officer and headteacher: reviews due, overdue actions, and (head)
    accepted risks above MEDIUM coming up for review."""
    managed = managed_school_ids(request.user)
    if not managed:
        return None
    heads = schools_with_roles(request.user, {Role.HEADTEACHER})
    figures = figures_for("risks.register", managed)
    filtering = figures_for("risks.filtering", managed)
    sign_offs = figures_for("risks.sign_offs", managed)
    rows = [
        {
            "school": school,
            "figures": figures[school.pk],
            "filtering": filtering[school.pk],
            "sign_offs": sign_offs[school.pk],
            "is_head": school.pk in heads,
        }
        for school in _schools(request, managed)
    ]
    due = sum(r["figures"]["review_soon"] + r["figures"]["review_overdue"] for r in rows)
    return Panel(
        title="Risk register",
        template="risks/panels/register.html",
        context={"rows": rows, "several": len(rows) > 1},
        order=25,
        count=due or None,
    )


@dashboard_panel(follows=["risks.sign_offs"])
def trustee_signatures(request):
    """Trustees: signed registers to approve and signed filtering reviews to sign."""
    school_ids = access_for(request.user).trust_school_ids
    if not school_ids:
        return None
    figures = figures_for("risks.sign_offs", school_ids)
    waiting = [s for s in school_ids if figures[s]["awaiting_approval"]]
    reviews = [s for s in school_ids if figures[s]["filtering_awaiting_trustee"]]
    if not waiting and not reviews:
        return None
    schools = {school.pk: school for school in _schools(request, set(waiting) | set(reviews))}
    return Panel(
        title="Waiting for a trustee",
        template="risks/panels/trustee.html",
        context={
            "registers": [schools[s] for s in waiting],
            "reviews": [schools[s] for s in reviews],
        },
        order=24,
        count=len(waiting) + len(reviews),
    )
