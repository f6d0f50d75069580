"""Home-page panels: what I have to sign, policies waiting for me, and (for a school's
leads) how many have signed each document."""

from django.urls import reverse
from django.utils import timezone

from esafety.dashboard import (
    Panel,
    cached_for_person,
    dashboard_panel,
    first_with_count,
    schools_by_name,
)
from esafety.figures import figures_for
from esafety.roles import access_for, allowed, managed_school_ids

from .family import family_document_ids
from .models import REVIEW_WARNING, Document, PolicyReview, Version, VersionStatus
from .registers import COVERAGE_FIGURE
from .rules import versions_to_approve_q, versions_to_sign_off_q
from .signing import open_requests


@dashboard_panel
def to_sign(request):
    if not request.user.is_authenticated:
        return None
    items, count = first_with_count(open_requests(request.user), 8)  # one query
    if not items:
        return None
    return Panel(
        title="To sign",
        template="agreements/sign/panel.html",
        context={"items": items, "family_documents": family_document_ids(items)},
        order=10,
        count=count,
    )


@dashboard_panel(follows=["agreements.policy_status"])
def policies_waiting(request):
    """Versions waiting for this headteacher's sign-off or this trustee's approval, open
    policy reviews and reviews due soon, for the people who act on them."""
    user = request.user
    if not user.is_authenticated:
        return None
    managed = managed_school_ids(user)
    schools = managed | set(access_for(user).trust_school_ids)
    if not schools:
        return None
    # Read from the rows the agreements.policy_status figure follows (documents, versions,
    # reviews): kept until it goes stale in one of these schools or the day ends.
    found = cached_for_person(
        request,
        "agreements.policies_waiting",
        lambda: _policies_waiting(user, managed),
        follows=["agreements.policy_status"],
        school_ids=schools,
    )
    if not found:
        return None
    # The schools' names and addresses as they are now (read once per request).
    by_id = {school.pk: school for school in schools_by_name(request, schools)}
    items = [
        (
            url or reverse("agreements-reviews", args=[by_id[school_id].slug]),
            title,
            state,
            by_id[school_id].name,
        )
        for url, title, state, school_id in found
    ]
    return Panel(
        title="Policies waiting for you",
        template="agreements/manage/panel.html",
        context={"items": items, "several_schools": len({i[3] for i in items}) > 1},
        order=20,
        count=len(items),
    )


def _policies_waiting(user, managed) -> list[tuple]:
    """(link, what, where it has got to, school id) for each item of the panel; no link
    for a review due (the school's reviews page)."""
    waiting = Version.objects.filter(
        versions_to_sign_off_q(user) | versions_to_approve_q(user)
    ).select_related("document")
    soon = timezone.localdate() + REVIEW_WARNING
    reviews = PolicyReview.objects.filter(
        closed_at__isnull=True, document__school__in=managed
    ).select_related("document", "version")
    due = Document.objects.filter(school__in=managed, review_due__lte=soon)
    items = [
        (
            reverse("agreements-version", args=[v.pk]),
            f"{v.document.title}, version {v.number}",
            "waiting for your sign-off"
            if v.status == VersionStatus.DRAFT
            else "waiting for the trustees' approval",
            v.document.school_id,
        )
        for v in waiting[:8]
    ]
    items += [
        (r.get_absolute_url(), f"Review of the {r.document.title}", r.stage, r.document.school_id)
        for r in reviews
    ]
    items += [(None, d.title, f"review due {d.review_due:%-d %B %Y}", d.school_id) for d in due[:4]]
    return items


@dashboard_panel(follows=[COVERAGE_FIGURE])
def agreement_coverage(request):
    """Coverage of every published document in each school this person leads: figures
    and links to the named registers (which the same rule guards)."""
    user = request.user
    if not user.is_authenticated:
        return None
    schools = [
        school
        for school in schools_by_name(request, managed_school_ids(user))
        if allowed(user, "agreements.view_registers", school)
    ]
    coverage = figures_for(COVERAGE_FIGURE, [school.pk for school in schools])
    rows = [(school, coverage[school.pk]) for school in schools if coverage[school.pk]]
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
