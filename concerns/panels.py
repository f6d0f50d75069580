"""The headteacher's (and the chair's) home panel: low-level concerns waiting for them."""

from esafety.dashboard import Panel, dashboard_panel
from esafety.roles import allowed

from .models import LowLevelConcern


@dashboard_panel
def concerns_to_review(request):
    if not allowed(request.user, "concerns.use_review"):
        return None
    waiting = LowLevelConcern.objects.visible_to(request.user).to_review()
    rows = list(waiting.select_related("school").order_by("reported_at", "pk")[:6])
    if not rows:
        return None
    return Panel(
        title="Low-level concerns to review",
        template="concerns/panel.html",
        context={"rows": rows},
        order=12,
        count=len(rows),
    )
