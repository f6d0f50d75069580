"""Linked incidents as each person may know of them: those they may see, listed; the
rest only counted; and none at all that the headteacher rule hides from them (a risk
linked to a concern about the headteacher must not reveal it to the headteacher)."""

from incidents.models import Incident
from incidents.rules import hidden_from_headteacher_q


def incident_counts(risk, user) -> dict:
    linked = Incident.objects.filter(risk_links__risk=risk)
    knowable = linked.exclude(hidden_from_headteacher_q(user))
    visible = list(
        Incident.objects.visible_to(user)
        .filter(risk_links__risk=risk)
        .order_by("-reported_at")
        .only("pk", "number", "reported_at", "status")
    )
    since = knowable.filter(reported_at__gte=risk.assessed_at).count()
    return {
        "visible": visible,
        "total": knowable.count(),
        "hidden": knowable.count() - len(visible),
        "since_assessed": since,
    }
