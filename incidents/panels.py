"""Incident panels on the home page: what needs each person now."""

from django.db.models import Count, Q
from django.utils import timezone

from esafety.dashboard import Panel, dashboard_panel
from esafety.roles import access_for, allowed

from .models import ActionKind, Incident, Status, TimelineEntry
from .rules import hidden_from_headteacher_q


@dashboard_panel
def log_an_incident(request):
    if not allowed(request.user, "incidents.use_log"):
        return None
    mine = Incident.objects.visible_to(request.user).filter(reported_by=request.user)
    return Panel(
        title="Report an e-safety incident",
        template="incidents/panels/log.html",
        context={
            "drafts": mine.filter(status=Status.DRAFT).count(),
            "waiting": mine.filter(status=Status.REPORTED).count(),
        },
        order=15,
    )


@dashboard_panel
def to_acknowledge(request):
    if not allowed(request.user, "incidents.use_queue"):
        return None
    waiting = (
        Incident.objects.visible_to(request.user)
        .filter(status=Status.REPORTED)
        .select_related("school")
        .order_by("acknowledge_by")
    )
    items = list(waiting[:8])
    return Panel(
        title="New incidents to acknowledge",
        template="incidents/panels/to_acknowledge.html",
        context={"items": items, "now": timezone.now()},
        order=11,
        count=waiting.count() or None,
    )


@dashboard_panel
def overdue_actions(request):
    today = timezone.localdate()
    visible = Incident.objects.visible_to(request.user).submitted()
    overdue = TimelineEntry.objects.filter(
        kind=ActionKind.ACTION, done_at__isnull=True, due_on__lt=today, incident__in=visible
    )
    if not allowed(request.user, "incidents.use_queue"):
        overdue = overdue.filter(owner=request.user)
    items = list(overdue.select_related("incident", "owner").order_by("due_on")[:8])
    if not items:
        return None
    return Panel(
        title="Overdue actions",
        template="incidents/panels/overdue_actions.html",
        context={"items": items},
        order=12,
        count=overdue.count(),
    )


@dashboard_panel
def awaiting_sign_off(request):
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


@dashboard_panel
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


@dashboard_panel
def trust_incident_counts(request):
    """Trustees: counts only, never names or narratives."""
    school_ids = access_for(request.user).trust_school_ids
    if not school_ids:
        return None
    since = timezone.now() - timezone.timedelta(days=365)
    rows = (
        Incident.objects.submitted()
        .filter(school_id__in=school_ids, reported_at__gte=since)
        # A trustee who is also a headteacher never counts concerns about themselves.
        .exclude(hidden_from_headteacher_q(request.user))
        .values("school__name")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=~Q(status=Status.CLOSED)),
            content=Count("pk", filter=Q(risk_area="content")),
            contact=Count("pk", filter=Q(risk_area="contact")),
            conduct=Count("pk", filter=Q(risk_area="conduct")),
            commerce=Count("pk", filter=Q(risk_area="commerce")),
        )
        .order_by("school__name")
    )
    return Panel(
        title="Incidents in the last 12 months",
        template="incidents/panels/trust_counts.html",
        context={"rows": list(rows)},
        order=25,
    )
