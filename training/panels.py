"""Home panels: my training due; for the school's leads, overdue counts, records to
verify and leadership duties at risk (read from the cached figures, not live queries)."""

from django.utils import timezone

from esafety.dashboard import Panel, cached_for_person, dashboard_panel, schools_by_name
from esafety.figures import figures_for
from esafety.models import Role
from esafety.roles import allowed, managed_school_ids, schools_with_roles

from .selectors import my_standings, training_school_ids
from .status import DONE


@dashboard_panel(follows=["training.compliance"])
def my_training_due(request):
    user = request.user
    if not allowed(user, "training.use"):
        return None
    # Computed from the same rows as the training.compliance figure: kept until it goes
    # stale in one of the schools (a record, requirement, signature or membership
    # changes) or the day ends.
    due = cached_for_person(
        request,
        "training.my_training_due",
        lambda: [row for row in my_standings(user, timezone.localdate()) if row[2].status != DONE],
        follows=["training.compliance"],
        school_ids=training_school_ids(user),
    )
    if not due:
        return None
    return Panel(
        title="Training to do",
        template="training/panels/mine.html",
        context={"rows": due[:8]},
        order=15,
        count=len(due),
    )


@dashboard_panel(follows=["training.compliance"])
def school_training(request):
    user = request.user
    school_ids = managed_school_ids(user)
    if not school_ids:
        return None
    schools = schools_by_name(request, school_ids)
    values = figures_for("training.compliance", school_ids)
    heads_of = schools_with_roles(user, {Role.HEADTEACHER})
    rows = [
        (school, values[school.pk], school.pk in heads_of)
        for school in schools
        if allowed(user, "training.manage", school)
    ]
    if not any(v.requirements or v.unverified for _, v, _ in rows):
        return None
    return Panel(
        title="Training across the school",
        template="training/panels/school.html",
        context={"rows": rows, "several_schools": len(rows) > 1},
        order=26,
        count=sum(v.overdue for _, v, _ in rows) or None,
    )
