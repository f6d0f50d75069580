"""The register's PDFs: one risk laid out like the seed's example, and the whole
register with its heat maps for the governors' meeting."""

from esafety.figures import figure_for
from esafety.pdf import render_pdf

from .heatmap import grids, matrices_for
from .models import Action, Risk, Status
from .owners import owner_labels, role_names


def risk_pdf(risk: Risk) -> bytes:
    return render_pdf(
        "risks/risk_pdf.html",
        {
            "risk": risk,
            "owners": owner_labels(risk, list(risk.owners.all())),
            "actions": risk.actions.select_related("owner"),
        },
        school=risk.school,
        title=f"Risk assessment {risk.reference}",
    )


def trust_wide_risks(school) -> list:
    """The trust's own risks, which every school in it sees (one query)."""
    return list(
        Risk.objects.filter(school__isnull=True, trust_id=school.trust_id)
        .exclude(status=Status.CLOSED)
        .select_related("matrix")
        .order_by("-band_rank", "-score", "number")
    )


def register_context(school) -> dict:
    risks = list(
        Risk.objects.filter(school=school)
        .exclude(status=Status.CLOSED)
        .select_related("matrix")
        .prefetch_related("owners")
        .order_by("-band_rank", "-score", "number")
    )
    figures = figure_for("risks.register", school.pk, exact=True)  # beside the risks it counts
    matrices = matrices_for(figures["cells"])
    return {
        "risks": risks,
        "trust_risks": trust_wide_risks(school),
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
        lambda: {**register_context(school), "signed": signed_by is not None},
        school=school,
        title="Online-safety risk register",
        stamp=register_stamp(school, signed=signed_by is not None),
    )


def register_stamp(school, *, signed: bool) -> str:
    """Everything the register PDF shows changes this: the school's and the trust's risks
    (their owners too: a change of owners is a change of the risk's history), their
    actions (the overdue count), the matrices, the owners' roles at the school, the date
    (reviews due soon or overdue) and the school's name."""
    from django.db.models import Q
    from django.utils import timezone

    from esafety.models import Membership, School
    from esafety.stamps import newest_changes

    from .models import Matrix

    risks = Q(school_id=school.pk) | Q(school_id__isnull=True, trust_id=school.trust_id)
    changes = newest_changes(
        Risk.history.filter(risks),
        Action.history.filter(risk__school_id=school.pk),
        Matrix.history.all(),
        Membership.history.filter(school_id=school.pk),
        School.history.filter(pk=school.pk),
    )
    return f"{school.pk}|{school.trust_id}|{signed}|{timezone.localdate()}|{changes}"


def review_pdf(review) -> bytes:
    return render_pdf(
        "risks/filtering_review_pdf.html",
        {"review": review, "actions": review.actions.select_related("owner")},
        school=review.school,
        title="Filtering and monitoring review",
    )
