"""The home-page "To sign" panel."""

from esafety.dashboard import Panel, dashboard_panel

from .signing import open_requests


@dashboard_panel
def to_sign(request):
    if not request.user.is_authenticated:
        return None
    waiting = open_requests(request.user)
    items = list(waiting[:8])
    if not items:
        return None
    return Panel(
        title="To sign",
        template="agreements/sign/panel.html",
        context={"items": items},
        order=10,
        count=waiting.count(),
    )
