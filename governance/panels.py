"""Home panel for trustees (and the school's leads): the dashboard and this term's reports."""

from django.utils import timezone

from esafety.dashboard import Panel, dashboard_panel
from esafety.roles import access_for, managed_school_ids

from .models import ReportStatus, TermlyReport
from .rules import report_scope_q
from .terms import term_on


@dashboard_panel
def governance_panel(request):
    access = access_for(request.user)
    if not access.trust_ids and not managed_school_ids(request.user):
        return None
    term = term_on(timezone.localdate())
    reports = TermlyReport.objects.filter(report_scope_q(request.user), term=term.key)
    to_read = 0
    if access.trust_ids:
        to_read = (
            reports.filter(status=ReportStatus.SIGNED, trust_id__in=access.trust_ids)
            .exclude(reads__reader=request.user)
            .count()
        )
    return Panel(
        title="Governance",
        template="governance/panels/governance.html",
        context={"to_read": to_read, "term": term, "is_trustee": bool(access.trust_ids)},
        order=22,
        count=to_read or None,
    )
