"""The agreements app's figures (see esafety/figures.py): coverage of every published
document per school. Read by the home panel, the registers overview and the trustees'
coverage page."""

from esafety.figures import figure
from esafety.models import Membership, ParentLink, School, TrusteeMembership

from .models import Document, Signature, Version
from .registers import COVERAGE_FIGURE, coverage_for_schools


def _schools_of_child(link):
    return Membership.objects.filter(user_id=link.child_id).values_list("school_id", flat=True)


def _schools_of_trust(trustee):
    return School.objects.filter(trust_id=trustee.trust_id).values_list("pk", flat=True)


@figure(
    COVERAGE_FIGURE,
    stale_on={
        Document: "school_id",
        Version: "document__school_id",
        Signature: "version__document__school_id",
        Membership: "school_id",  # who must sign
        ParentLink: _schools_of_child,  # which parents sign for which child
        TrusteeMembership: _schools_of_trust,  # documents trustees sign
    },
)
def coverage(school_ids, today):
    return coverage_for_schools(school_ids, today)


# --- the e-safety policy's status (read by the yearly self-review's evidence) -----------------


@figure(
    "agreements.policy_status",
    stale_on={
        Document: "school_id",
        Version: "document__school_id",
        "agreements.PolicyReview": "document__school_id",
    },
)
def policy_status(school_ids, today) -> dict[int, dict]:
    """The e-safety policy per school: the published version's number and date, when its
    review is due, and whether a review is open. "state": none (no published policy), ok,
    soon (due within 30 days), overdue. Two queries for all schools."""
    from .models import REVIEW_WARNING, Kind, PolicyReview, VersionStatus

    result = {
        s: {"version": None, "published_on": None, "review_due": None, "review_open": False}
        for s in school_ids
    }
    published = (
        Version.objects.filter(
            document__school_id__in=school_ids,
            document__kind=Kind.POLICY,
            status=VersionStatus.PUBLISHED,
        )
        .order_by("document__school_id", "document_id")
        .values_list("document__school_id", "number", "published_at", "document__review_due")
    )
    for school_id, number, published_at, review_due in published:
        found = result[school_id]
        if found["version"] is None:
            found["version"] = number
            found["published_on"] = published_at.date() if published_at else None
            found["review_due"] = review_due
    open_reviews = PolicyReview.objects.filter(
        document__school_id__in=school_ids, document__kind=Kind.POLICY, closed_at__isnull=True
    ).values_list("document__school_id", flat=True)
    for school_id in open_reviews:
        result[school_id]["review_open"] = True
    for found in result.values():
        due = found["review_due"]
        if found["version"] is None:
            found["state"] = "none"
        elif due is not None and due < today:
            found["state"] = "overdue"
        elif due is not None and due <= today + REVIEW_WARNING:
            found["state"] = "soon"
        else:
            found["state"] = "ok"
    return result
