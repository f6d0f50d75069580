"""Home panels: for the headteacher and e-safety officer, this year's self-review when it
is not signed yet and overdue actions of the plan (from the figures layer); for anyone
who owns an action of a plan, their actions due within a fortnight or overdue."""

import datetime

from django.utils import timezone

from esafety.dashboard import Panel, dashboard_panel, schools_by_name
from esafety.figures import figures_for
from esafety.models import Role
from esafety.roles import access_for, managed_school_ids, schools_with_roles

from .models import ActionItem

DUE_SOON = datetime.timedelta(days=14)


@dashboard_panel(follows=["selfreview.actions"])
def my_actions(request):
    schools = set(access_for(request.user).roles_by_school)
    if not schools:
        return None
    today = timezone.localdate()
    mine = ActionItem.objects.open().filter(
        owner=request.user, review__school_id__in=schools, due_on__lte=today + DUE_SOON
    )
    items = list(mine.select_related("review__school")[:8])
    if not items:
        return None
    return Panel(
        title="Your self-review actions due",
        template="selfreview/panels/my_actions.html",
        context={"items": items, "today": today},
        order=14,
        count=mine.count() if len(items) == 8 else len(items),
    )


@dashboard_panel(follows=["selfreview.levels", "selfreview.actions"])
def self_review(request):
    managed = managed_school_ids(request.user)
    if not managed:
        return None
    heads = schools_with_roles(request.user, {Role.HEADTEACHER})
    levels = figures_for("selfreview.levels", managed)
    actions = figures_for("selfreview.actions", managed)
    rows = []
    for school in schools_by_name(request, managed):  # read once for every panel
        this_year, plan = levels[school.pk].this_year, actions[school.pk]
        if this_year["stage"] == "signed" and not plan.overdue_all:
            continue
        rows.append(
            {
                "school": school,
                "year": this_year,
                "rated": len(this_year["levels"]),
                "of": len(levels[school.pk].aspects),
                "overdue": plan.overdue_all,
                "is_head": school.pk in heads,
            }
        )
    if not rows:
        return None
    return Panel(
        title="Online-safety self-review",
        template="selfreview/panels/self_review.html",
        context={"rows": rows, "several": len(rows) > 1},
        order=27,
        count=sum(r["overdue"] for r in rows) or None,
    )
