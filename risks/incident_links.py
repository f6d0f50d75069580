"""Linked incidents as each person may know of them: those they may see, listed; the
rest only counted; and none at all that the headteacher rule hides from them (a risk
linked to a concern about the headteacher must not reveal it to the headteacher).

A trust-wide risk gathers incidents from every school of the trust; each person counts
only those of the schools they belong to or oversee (a school's headteacher, the
incidents of their own school; the trustees, every school's)."""

from django.db.models import Count, Q

from esafety.roles import visible_school_ids
from incidents.models import Incident
from incidents.rules import hidden_from_headteacher_q


def incident_counts(risk, user) -> dict:
    linked = Incident.objects.filter(risk_links__risk=risk)
    if risk.is_trust_wide:
        linked = linked.filter(school_id__in=visible_school_ids(user))
    knowable = linked.exclude(hidden_from_headteacher_q(user))
    visible = list(
        Incident.objects.visible_to(user)
        .filter(risk_links__risk=risk)
        .order_by("-reported_at")
        .select_related("school")
        .only("pk", "number", "reported_at", "status", "school__code", "school__slug")
    )
    counts = knowable.aggregate(
        total=Count("pk"), since=Count("pk", filter=Q(reported_at__gte=risk.assessed_at))
    )
    return {
        "visible": visible,
        "total": counts["total"],
        "hidden": counts["total"] - len(visible),
        "since_assessed": counts["since"],
    }
