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
