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


# --- governance: the e-safety policy's status (appended for the governance dashboard) ---


@figure(
    "agreements.policy_status",
    stale_on={
        Document: "school_id",
        Version: "document__school_id",
        "agreements.PolicyReview": "document__school_id",
    },
)
def policy_status(school_ids, today):
    """Per school: the e-safety policy's published version (number and date), when it was
    last reviewed, when the next review is due and whether one is open. Three queries."""
    from .models import Kind, PolicyReview, VersionStatus

    result = {
        s: {
            "has_policy": False,
            "version": None,
            "published_on": None,
            "last_review": None,
            "next_review": None,
            "review_open": False,
        }
        for s in school_ids
    }
    policies = {}
    for document in Document.objects.filter(school_id__in=school_ids, kind=Kind.POLICY).order_by(
        "pk"
    ):
        if document.school_id not in policies:
            policies[document.school_id] = document
            result[document.school_id].update(has_policy=True, next_review=document.review_due)
    by_document = {d.pk: d.school_id for d in policies.values()}
    for version in Version.objects.filter(
        document_id__in=by_document, status=VersionStatus.PUBLISHED
    ).only("document_id", "number", "published_at"):
        figures = result[by_document[version.document_id]]
        figures["version"] = version.number
        figures["published_on"] = version.published_at.date() if version.published_at else None
    for review in PolicyReview.objects.filter(document_id__in=by_document).only(
        "document_id", "reviewed_at", "closed_at"
    ):
        figures = result[by_document[review.document_id]]
        if review.closed_at is None:
            figures["review_open"] = True
        if review.reviewed_at and (
            figures["last_review"] is None or review.reviewed_at.date() > figures["last_review"]
        ):
            figures["last_review"] = review.reviewed_at.date()
    return result
