"""The register's figures per school (counts, never names), cached by the core's
figures layer. Home panels, the register's heat map and the trustees' pages read these."""

import datetime

from django.db.models import Count, Q

from esafety.figures import figure

from .filtering import REMIND_DAYS_BEFORE, next_review_due
from .models import Action, FilteringCheck, FilteringReview, Risk, Status

REVIEW_SOON = datetime.timedelta(days=14)


def _zero():
    return {
        "live": 0,
        "by_band": {},
        "review_soon": 0,
        "review_overdue": 0,
        "actions_overdue": 0,
        "accepted_high": 0,
        "accepted_high_due": 0,
        "cells": {},
    }


@figure("risks.register", stale_on={Risk: "school_id", Action: lambda a: a.school_id})
def register(school_ids, today) -> dict[int, dict]:
    """Live risks per school: by band, reviews soon or overdue, accepted above MEDIUM,
    overdue actions and the heat map cells. Four GROUP BY queries for all schools."""
    result = {school_id: _zero() for school_id in school_ids}
    live = Risk.objects.filter(school_id__in=school_ids).live()
    by_band = live.values("school_id", "band", "band_rank").annotate(n=Count("pk")).order_by()
    for row in by_band:
        figures = result[row["school_id"]]
        figures["by_band"][(row["band_rank"], row["band"])] = row["n"]
        figures["live"] += row["n"]
    head_only = Q(status=Status.ACCEPTED, head_only=True)
    reviews = (
        live.values("school_id")
        .annotate(
            soon=Count("pk", filter=Q(review_due__gte=today, review_due__lte=today + REVIEW_SOON)),
            overdue=Count("pk", filter=Q(review_due__lt=today)),
            accepted_high=Count("pk", filter=head_only),
            accepted_high_due=Count(
                "pk", filter=head_only & Q(review_due__lte=today + REVIEW_SOON)
            ),
        )
        .order_by()
    )
    for row in reviews:
        figures = result[row["school_id"]]
        figures["review_soon"], figures["review_overdue"] = row["soon"], row["overdue"]
        figures["accepted_high"] = row["accepted_high"]
        figures["accepted_high_due"] = row["accepted_high_due"]
    overdue = (
        Action.objects.filter(
            risk__school_id__in=school_ids, done_on__isnull=True, due_on__lt=today
        )
        .values("risk__school_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in overdue:
        result[row["risk__school_id"]]["actions_overdue"] = row["n"]
    cells = (
        live.values(
            "school_id",
            "matrix_id",
            "likelihood",
            "impact",
            "inherent_likelihood",
            "inherent_impact",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in cells:
        figures_cells = result[row["school_id"]]["cells"]
        for which, likelihood, impact in (
            ("current", row["likelihood"], row["impact"]),
            ("inherent", row["inherent_likelihood"], row["inherent_impact"]),
        ):
            key = (row["matrix_id"], which, likelihood, impact)
            figures_cells[key] = figures_cells.get(key, 0) + row["n"]
    return result


@figure(
    "risks.filtering",
    stale_on={FilteringReview: "school_id", FilteringCheck: "school_id"},
)
def filtering(school_ids, today) -> dict[int, dict]:
    """The filtering and monitoring review per school: when the next is due, whether one
    is in progress, and the checks logged (and failed) in the last 90 days."""
    result = {
        school_id: {
            "next_due": None,
            "in_progress": False,
            "checks_90": 0,
            "failed_90": 0,
            "state": "none",
        }
        for school_id in school_ids
    }
    reviews = FilteringReview.objects.filter(school_id__in=school_ids).order_by(
        "school_id", "-held_on", "-head_signed_at"
    )
    for review in reviews.only("school_id", "held_on", "head_signed_at"):
        figures = result[review.school_id]
        if review.head_signed_at is None:
            figures["in_progress"] = True
        elif figures["next_due"] is None:
            figures["next_due"] = next_review_due(review)
    since = today - datetime.timedelta(days=90)
    checks = (
        FilteringCheck.objects.filter(school_id__in=school_ids, checked_on__gte=since)
        .values("school_id")
        .annotate(n=Count("pk"), failed=Count("pk", filter=Q(passed=False)))
        .order_by()
    )
    for row in checks:
        result[row["school_id"]]["checks_90"] = row["n"]
        result[row["school_id"]]["failed_90"] = row["failed"]
    for figures in result.values():
        due = figures["next_due"]
        if due is None:
            figures["state"] = "none"
        elif due < today:
            figures["state"] = "overdue"
        elif due <= today + datetime.timedelta(days=REMIND_DAYS_BEFORE):
            figures["state"] = "soon"
        else:
            figures["state"] = "ok"
    return result


@figure(
    "risks.sign_offs",
    stale_on={"risks.RegisterSignOff": "school_id", FilteringReview: "school_id"},
)
def sign_offs(school_ids, today) -> dict[int, dict]:
    """What waits for a signature: this school year's register sign-off (headteacher),
    signed registers awaiting a trustee's approval, and signed filtering reviews awaiting
    a trustee's signature. Three small queries for all schools."""
    from esafety.models import School

    from .models import RegisterSignOff, sign_off_year

    result = {
        school_id: {
            "year": None,
            "signed_this_year": False,
            "awaiting_approval": 0,
            "filtering_awaiting_trustee": 0,
        }
        for school_id in school_ids
    }
    for school in School.objects.filter(pk__in=school_ids).only(
        "pk", "academic_year_start_month", "academic_year_start_day"
    ):
        result[school.pk]["year"] = sign_off_year(school, today)
    signed = RegisterSignOff.objects.filter(school_id__in=school_ids).values_list(
        "school_id", "year", "approved_at"
    )
    for school_id, year, approved_at in signed:
        figures = result[school_id]
        if year == figures["year"]:
            figures["signed_this_year"] = True
        if approved_at is None:
            figures["awaiting_approval"] += 1
    waiting = (
        FilteringReview.objects.filter(
            school_id__in=school_ids, head_signed_at__isnull=False, trustee_signed_at__isnull=True
        )
        .values("school_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in waiting:
        result[row["school_id"]]["filtering_awaiting_trustee"] = row["n"]
    return result


# --- governance: the open HIGH risks and the last filtering check (appended) ---

from esafety.figures import ALL_SCHOOLS  # noqa: E402  (appended block)

CHECKS_DUE_EVERY = datetime.timedelta(days=122)  # a check at least once a term (4 months)


@figure(
    "risks.governance",
    stale_on={Risk: "school_id", FilteringCheck: "school_id", "risks.Matrix": ALL_SCHOOLS},
)
def governance(school_ids, today) -> dict[int, dict]:
    """Per school: the live risks in the top band of their matrix (HIGH on the policy's
    3 x 3), each as number, title, band and score (titles, never owners), and the date of
    the last filtering or monitoring check with whether one is overdue (none logged in
    the last term). Three queries; only the top band's risks are read."""
    from django.db.models import Max

    from .models import Matrix

    result = {s: {"high": [], "last_check": None, "checks_overdue": True} for s in school_ids}
    live = Risk.objects.filter(school_id__in=school_ids).live()
    # The top band of each matrix these risks are scored on (a few matrices, however many
    # risks), so the database returns the top band's risks and no others.
    in_top_band = Q(pk__in=[])
    for matrix in Matrix.objects.filter(pk__in=live.values("matrix_id")).only("pk", "bands"):
        in_top_band |= Q(matrix_id=matrix.pk, band_rank=len(matrix.bands) - 1)
    top = (
        live.filter(in_top_band)
        .only("school_id", "number", "title", "score", "band", "band_rank", "status")
        .order_by("school_id", "-score", "number")
    )
    for risk in top:
        result[risk.school_id]["high"].append(
            {
                "number": f"R-{risk.number:03d}",
                "title": risk.title,
                "label": f"{risk.band} ({risk.score})",
                "status": risk.get_status_display(),
            }
        )
    last = (
        FilteringCheck.objects.filter(school_id__in=school_ids)
        .values("school_id")
        .annotate(last=Max("checked_on"))
        .order_by()
    )
    for row in last:
        figures = result[row["school_id"]]
        figures["last_check"] = row["last"]
        figures["checks_overdue"] = row["last"] < today - CHECKS_DUE_EVERY
    return result
