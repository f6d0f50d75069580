"""Home-page panel: how many people have signed each document, for the school's leads.

Registered when imported; `AgreementsConfig.ready()` imports this module."""

from esafety.dashboard import Panel, dashboard_panel
from esafety.models import School
from esafety.roles import allowed, managed_school_ids

from .registers import coverage_by_document


@dashboard_panel
def agreement_coverage(request):
    """Coverage of every published document in each school this person leads: figures
    and links to the named registers (which the same rule guards)."""
    user = request.user
    if not user.is_authenticated:
        return None
    schools = [
        school
        for school in School.objects.filter(pk__in=managed_school_ids(user)).order_by("name")
        if allowed(user, "agreements.view_registers", school)
    ]
    rows = [(school, coverage_by_document(school)) for school in schools]
    rows = [(school, coverage) for school, coverage in rows if coverage]
    if not rows:
        return None
    outstanding = sum(f.outstanding + f.expired for _, coverage in rows for _, f in coverage)
    return Panel(
        title="Agreements: who still has to sign",
        template="agreements/registers/panel.html",
        context={"rows": rows, "several_schools": len(rows) > 1},
        order=25,
        count=outstanding or None,
    )
