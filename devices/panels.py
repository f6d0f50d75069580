"""Device panels on the home page. Counts come from the cached figures (figures.py)."""

from django.utils import timezone

from esafety.dashboard import Panel, dashboard_panel, schools_by_name
from esafety.figures import figures_for
from esafety.models import STAFF_ROLES, User
from esafety.roles import access_for, children_of, managed_school_ids, schools_with_roles

from .models import LeaverChecklist, Loan
from .models_breaches import deadline_text
from .rules import device_manager_school_ids, office_school_ids


def _schools(request, ids):
    return schools_by_name(request, ids)


@dashboard_panel(follows=["devices.summary"])
def devices_to_look_at(request):
    """Technicians and leads: non-compliant devices, loans waiting or overdue, leavers."""
    ids = device_manager_school_ids(request.user)
    if not ids:
        return None
    figures = figures_for("devices.summary", ids)
    rows = [(school, figures[school.pk]) for school in _schools(request, ids)]
    attention = sum(f.non_compliant + f.overdue_loans + f.leavers_with_loans for _, f in rows)
    return Panel(
        title="Devices",
        template="devices/panels/devices.html",
        context={"rows": rows},
        order=32,
        count=attention or None,
    )


@dashboard_panel
def breach_clock(request):
    """The 72-hour clock of every undecided breach, for the school's leads."""
    ids = managed_school_ids(request.user)
    if not ids:
        return None
    figures = figures_for("devices.summary", ids)
    # (A figure cached before breaches were numbered holds (id, deadline): its id stands in.)
    undecided = sorted(
        (entry[1], entry[0], entry[2] if len(entry) > 2 else entry[0])
        for f in figures.values()
        for entry in f.undecided
    )
    if not undecided:
        return None
    now = timezone.now()
    items = [
        {
            "pk": pk,
            "number": number,
            "deadline": deadline_text(deadline),
            "hours_left": int((deadline - now).total_seconds() // 3600),
        }
        for deadline, pk, number in undecided
    ]
    return Panel(
        title="Data breaches: the 72-hour ICO clock",
        template="devices/panels/breach_clock.html",
        context={"items": items},
        order=9,
        count=len(items),
    )


@dashboard_panel(follows=["devices.summary"])
def held_in_office(request):
    """The office: devices held today."""
    ids = office_school_ids(request.user) | managed_school_ids(request.user)
    if not ids:
        return None
    figures = figures_for("devices.summary", ids)
    rows = [(school, figures[school.pk].held_now) for school in _schools(request, ids)]
    if not any(held for _, held in rows):
        return None
    return Panel(
        title="Confiscated devices held",
        template="devices/panels/held.html",
        context={"rows": rows},
        order=33,
        count=sum(held for _, held in rows),
    )


@dashboard_panel(follows=[])
def pupils_devices(request):
    """Staff: where to record a confiscation or a search."""
    ids = schools_with_roles(request.user, STAFF_ROLES)
    if not ids:
        return None
    return Panel(
        title="Pupils' phones and searches",
        template="devices/panels/pupils_devices.html",
        context={"schools": _schools(request, ids)},
        order=40,
    )


@dashboard_panel(follows=["devices.summary", "agreements.coverage"])
def my_loans(request):
    """Borrowers, and parents of pupils who borrow: loans still out or waiting."""
    if not access_for(request.user).roles_by_school:
        return None
    user = request.user
    # The person and their children as one subquery (a UNION): the database finds their
    # loans by the borrower index; "borrower = me OR borrower IN (children)" read every loan.
    people = (
        children_of(user)
        .order_by()
        .values("pk")
        .union(User.objects.filter(pk=user.pk).order_by().values("pk"))
    )
    loans = list(
        Loan.objects.visible_to(user)
        .open()
        .filter(borrower__in=people)
        .select_related("device", "borrower")
        .order_by("due_back")[:5]
    )
    if not loans:
        return None
    return Panel(
        title="Devices lent to you or your child",
        template="devices/panels/my_loans.html",
        context={"loans": loans, "today": timezone.localdate()},
        order=21,
    )


@dashboard_panel(follows=["devices.summary"])
def trust_device_figures(request):
    """Trustees: counts only, never names."""
    ids = access_for(request.user).trust_school_ids
    if not ids:
        return None
    figures = figures_for("devices.summary", ids)
    return Panel(
        title="Data breaches in the last 12 months",
        template="devices/panels/trust_figures.html",
        context={
            "breaches": sum(f.breaches_year for f in figures.values()),
            "reported": sum(f.reported_year for f in figures.values()),
            "on_time": sum(f.reported_on_time_year for f in figures.values()),
        },
        order=26,
    )


@dashboard_panel
def leaver_checklists(request):
    """IT support and leads: leavers' checklists still open (one query; none shown when
    there are none). Live: a checklist comes from a sync or a role ended, no figure."""
    ids = device_manager_school_ids(request.user)
    if not ids:
        return None
    today = timezone.localdate()
    rows = list(
        LeaverChecklist.objects.open()
        .filter(school_id__in=ids)
        .select_related("person", "school")
        .order_by("ended_on", "pk")[:PANEL_LEAVERS]
    )
    if not rows:
        return None
    return Panel(
        title="Leavers' checklists",
        template="devices/leavers/panel.html",
        context={"rows": rows, "today": today, "many_schools": len(ids) > 1},
        order=31,
        count=len(rows),
    )


PANEL_LEAVERS = 10
