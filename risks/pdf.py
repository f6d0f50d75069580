"""The register's PDFs: one risk laid out like the seed's example, and the whole
register with its heat maps for the governors' meeting."""

from esafety.figures import figure_for
from esafety.pdf import render_pdf

from .heatmap import grids, matrices_for
from .models import Risk, Status
from .owners import role_names, with_roles


def risk_pdf(risk: Risk) -> bytes:
    return render_pdf(
        "risks/risk_pdf.html",
        {
            "risk": risk,
            "owners": with_roles(risk.school, list(risk.owners.all())),
            "actions": risk.actions.select_related("owner"),
        },
        school=risk.school,
        title=f"Risk assessment {risk.reference}",
    )


def register_context(school) -> dict:
    risks = list(
        Risk.objects.filter(school=school)
        .exclude(status=Status.CLOSED)
        .select_related("matrix")
        .prefetch_related("owners")
        .order_by("-band_rank", "-score", "number")
    )
    figures = figure_for("risks.register", school.pk)
    matrices = matrices_for(figures["cells"])
    return {
        "risks": risks,
        "owner_roles": role_names(risks),
        "figures": figures,
        "bands": sorted(figures["by_band"].items(), reverse=True),
        "current_grids": grids(figures["cells"], "current", matrices),
        "inherent_grids": grids(figures["cells"], "inherent", matrices),
    }


def register_pdf(school, *, signed_by=None) -> bytes:
    """Owners appear as roles, never names: the PDF goes to governors and trustees."""
    return render_pdf(
        "risks/register_pdf.html",
        {**register_context(school), "signed": signed_by is not None},
        school=school,
        title="Online-safety risk register",
    )


def review_pdf(review) -> bytes:
    return render_pdf(
        "risks/filtering_review_pdf.html",
        {"review": review, "actions": review.actions.select_related("owner")},
        school=review.school,
        title="Filtering and monitoring review",
    )
