"""The core's home-page panels. Other apps register theirs the same way."""

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from .dashboard import Panel, dashboard_panel, first_with_count, schools_by_name, unread_count
from .figures import figures_for
from .models import Invitation, Membership, Notification, Role
from .roles import (
    MANAGER_ROLES,
    access_for,
    children_of,
    managed_school_ids,
    schools_with_roles,
)

SHOWN_UNREAD = 5


@dashboard_panel
def unread_notifications(request):
    unread = Notification.objects.visible_to(request.user).unread()
    items, count = first_with_count(unread, SHOWN_UNREAD)
    unread_count(request, known=count)  # the navigation's badge reuses it
    if not items:
        return None
    return Panel(
        title="New for you",
        template="esafety/panels/notifications.html",
        context={"items": items},
        order=10,
        count=count,
    )


@dashboard_panel
def school_people(request):
    """Headteacher and e-safety officer: who is in the school and who hasn't signed in yet."""
    school_ids = managed_school_ids(request.user)
    if not school_ids:
        return None
    schools = schools_by_name(request, school_ids)
    counts = figures_for("esafety.people", school_ids)
    for school in schools:
        school.people, school.pupils = counts[school.pk]["people"], counts[school.pk]["pupils"]
    return Panel(
        title="People",
        template="esafety/panels/school_people.html",
        context={"schools": schools, **invitations_waiting(school_ids)},
        order=60,
    )


def invitations_waiting(school_ids) -> dict:
    """People of these schools invited who have not signed in: `waiting` (an invitation
    still usable) and `expired` (none usable any more). One query, counted in SQL from the
    invitations (a few), not from the schools' people (thousands)."""
    now = timezone.now()
    per_person = (
        Invitation.objects.filter(
            Exists(Membership.objects.filter(user=OuterRef("user_id"), school_id__in=school_ids))
        )
        .values("user_id")
        .annotate(
            accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
            usable=Count("pk", filter=Q(expires_at__gt=now)),
        )
        .filter(accepted=0)
    )
    return per_person.aggregate(
        waiting=Count("user_id", filter=Q(usable__gt=0)),
        expired=Count("user_id", filter=Q(usable=0)),
    )


@dashboard_panel(follows=[])
def starters_and_leavers(request):
    """Technician: accounts to set up or close (starters and leavers in the last 14 days)."""
    school_ids = schools_with_roles(request.user, {Role.TECHNICIAN})
    if not school_ids:
        return None
    since = timezone.localdate() - timedelta(days=14)
    changes = (
        Membership.objects.filter(school_id__in=school_ids)
        .filter(Q(started_on__gte=since) | Q(ended_on__gte=since))
        .exclude(role=Role.PARENT)
        .select_related("user", "school")
        .order_by("-started_on")[:20]
    )
    return Panel(
        title="Starters and leavers (last 14 days)",
        template="esafety/panels/starters_leavers.html",
        context={"changes": changes, "today": timezone.localdate()},
        order=30,
    )


@dashboard_panel(follows=[])
def who_to_tell(request):
    """Staff: who to bring an e-safety concern to, straight away (the seed's incident rule)."""
    access = access_for(request.user)
    staff_schools = [
        s
        for s, roles in access.roles_by_school.items()
        if Role.STAFF in roles or Role.TECHNICIAN in roles
    ]
    if not staff_schools:
        return None
    leads = (
        Membership.objects.active()
        .filter(school_id__in=staff_schools, role__in=MANAGER_ROLES)
        .select_related("user", "school")
        .order_by("school__name", "role")
    )
    return Panel(
        title="If you have an e-safety concern",
        template="esafety/panels/who_to_tell.html",
        context={"leads": leads},
        order=20,
    )


@dashboard_panel(follows=["agreements.coverage"])
def my_children(request):
    if Role.PARENT not in access_for(request.user).all_roles:
        return None
    children = (
        children_of(request.user).prefetch_related("memberships__school").order_by("full_name")
    )
    return Panel(
        title="Your children",
        template="esafety/panels/my_children.html",
        context={"children": children},
        order=20,
    )


@dashboard_panel
def pupil_help(request):
    if Role.PUPIL not in access_for(request.user).all_roles:
        return None
    return Panel(title="Staying safe online", template="esafety/panels/pupil_help.html", order=20)


@dashboard_panel
def trust_schools(request):
    if not access_for(request.user).trust_ids:
        return None
    return Panel(
        title="Your trust's schools",
        template="esafety/panels/trust_schools.html",
        context={"school_count": len(access_for(request.user).trust_school_ids)},
        order=20,
    )
