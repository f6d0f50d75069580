"""Incident panels on the home page: what needs each person now."""

from django.db.models import Count, F, Q
from django.utils import timezone

from esafety.dashboard import Panel, cached_for_person, dashboard_panel, first_with_count
from esafety.figures import figures_for
from esafety.models import Role, School
from esafety.roles import access_for, allowed, schools_with_roles, visible_school_ids

from .figures import LAST_12_MONTHS, counts_seen_by
from .models import ActionKind, Incident, Status, TimelineEntry
from .rules import HIDDEN_FROM_ROLE
from .selectors import spans_schools, with_who_and_what

SHOWN = 8  # rows a panel lists


@dashboard_panel(follows=[LAST_12_MONTHS])
def log_an_incident(request):
    if not allowed(request.user, "incidents.use_log"):
        return None
    mine = Incident.objects.visible_to(request.user).filter(reported_by=request.user)
    # Both counts in one query, kept per person until an incident changes in one of
    # their schools (the incidents.last_12_months figure follows every save).
    counts = cached_for_person(
        request,
        "incidents.log_an_incident",
        lambda: mine.aggregate(
            drafts=Count("pk", filter=Q(status=Status.DRAFT)),
            waiting=Count("pk", filter=Q(status=Status.REPORTED)),
        ),
        follows=[LAST_12_MONTHS],
        school_ids=visible_school_ids(request.user),
    )
    return Panel(
        title="Report an e-safety incident",
        template="incidents/panels/log.html",
        context=counts,
        order=15,
    )


@dashboard_panel
def to_acknowledge(request):
    if not allowed(request.user, "incidents.use_queue"):
        return None
    waiting = Incident.objects.visible_to(request.user).filter(status=Status.REPORTED)
    items, count = first_with_count(  # the rows and how many in all: one query
        with_who_and_what(waiting).order_by("urgent", "acknowledge_by"), SHOWN
    )
    return Panel(
        title="New incidents to acknowledge",
        template="incidents/panels/to_acknowledge.html",
        context={"items": items, "now": timezone.now(), "several": spans_schools(request.user)},
        order=11,
        count=count or None,
    )


@dashboard_panel(follows=["incidents.overdue_actions"])
def overdue_actions(request):
    today = timezone.localdate()
    visible = Incident.objects.visible_to(request.user).submitted()
    overdue = TimelineEntry.objects.filter(
        kind=ActionKind.ACTION, done_at__isnull=True, due_on__lt=today, incident__in=visible
    )
    if not allowed(request.user, "incidents.use_queue"):
        return None  # their own actions are in "Your actions"
    items, count = first_with_count(
        overdue.select_related("incident__school", "owner").order_by("due_on"), SHOWN
    )
    if not items:
        return None
    return Panel(
        title="Overdue actions",
        template="incidents/panels/overdue_actions.html",
        context={"items": items},
        order=12,
        count=count,
    )


@dashboard_panel(follows=[LAST_12_MONTHS])
def awaiting_sign_off(request):
    # Only a headteacher signs off (the chair, for a concern about the head): nobody else
    # has anything here, so no query for them.
    access = access_for(request.user)
    if not schools_with_roles(request.user, {Role.HEADTEACHER}) and not access.chair_trust_ids:
        return None
    candidates = (
        Incident.objects.visible_to(request.user)
        .submitted()
        .exclude(review_result="")
        .filter(headteacher_signed_at__isnull=True)
        .select_related("school__trust")
    )
    items = [
        i for i in candidates[:50] if allowed(request.user, "incidents.sign_off_headteacher", i)
    ]
    if not items:
        return None
    return Panel(
        title="Awaiting your sign-off",
        template="incidents/panels/sign_off.html",
        context={"items": items[:8]},
        order=13,
        count=len(items),
    )


@dashboard_panel(follows=[LAST_12_MONTHS])
def routed_to_me(request):
    if not access_for(request.user).trust_ids:
        return None
    routed = (
        Incident.objects.visible_to(request.user)
        .filter(
            Q(routed_to=request.user)
            | Q(escalated_to=request.user)
            | Q(trustee_sign_requested_from=request.user, trustee_signed_at__isnull=True)
        )
        .exclude(status=Status.CLOSED)
        .select_related("school")
    )
    items = list(routed[:8])
    if not items:
        return None
    return Panel(
        title="Incidents sent to you",
        template="incidents/panels/routed.html",
        context={"items": items, "now": timezone.now()},
        order=11,
        count=len(items),
    )


@dashboard_panel(follows=[LAST_12_MONTHS])
def trust_incident_counts(request):
    """Trustees: counts only, never names or narratives (cached figures)."""
    school_ids = access_for(request.user).trust_school_ids
    if not school_ids:
        return None
    counts = figures_for(LAST_12_MONTHS, school_ids)
    # A trustee who is also a headteacher never counts concerns about themselves.
    heads_of = schools_with_roles(request.user, {HIDDEN_FROM_ROLE})
    rows = []
    for school in School.objects.filter(pk__in=school_ids).order_by("name").values("pk", "name"):
        seen = counts_seen_by(
            counts[school["pk"]], hides_concerns_about_head=school["pk"] in heads_of
        )
        if seen["total"]:
            rows.append({"school__name": school["name"], **seen})
    return Panel(
        title="Incidents in the last 12 months",
        template="incidents/panels/trust_counts.html",
        context={"rows": rows},
        order=25,
    )


@dashboard_panel(follows=["incidents.overdue_actions"])
def my_actions(request):
    """Actions given to this person, most urgent first; each opens on its own page."""
    if not allowed(request.user, "incidents.use_actions"):
        return None
    to_do = (
        TimelineEntry.objects.actions_visible_to(request.user)
        .filter(owner=request.user, done_at__isnull=True)
        .select_related("incident__school")
        .order_by(F("due_on").asc(nulls_last=True), "created_at")
    )
    items = list(to_do[:8])
    if not items:
        return None
    return Panel(
        title="Your actions",
        template="incidents/panels/my_actions.html",
        context={"items": items},
        order=12,
        count=len(items) if len(items) < 8 else to_do.count(),
    )
