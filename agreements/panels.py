"""Home-page panels: what I have to sign, policies waiting for me, and (for a school's
leads) how many have signed each document."""

from django.urls import reverse
from django.utils import timezone

from esafety.dashboard import Panel, dashboard_panel, schools_by_name
from esafety.figures import figures_for
from esafety.roles import allowed, managed_school_ids

from .family import family_document_ids
from .models import REVIEW_WARNING, Document, PolicyReview, Version, VersionStatus
from .registers import COVERAGE_FIGURE
from .rules import versions_to_approve_q, versions_to_sign_off_q
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
        context={"items": items, "family_documents": family_document_ids(items)},
        order=10,
        count=len(items) if len(items) < 8 else waiting.count(),  # fewer: no second query
    )


@dashboard_panel
def policies_waiting(request):
    """Versions waiting for this headteacher's sign-off or this trustee's approval, open
    policy reviews and reviews due soon, for the people who act on them."""
    user = request.user
    if not user.is_authenticated:
        return None
    managed = managed_school_ids(user)
    waiting = Version.objects.filter(
        versions_to_sign_off_q(user) | versions_to_approve_q(user)
    ).select_related("document__school")
    soon = timezone.localdate() + REVIEW_WARNING
    reviews = PolicyReview.objects.filter(
        closed_at__isnull=True, document__school__in=managed
    ).select_related("document__school")
    due = Document.objects.filter(school__in=managed, review_due__lte=soon).select_related("school")
    items = [
        (
            reverse("agreements-version", args=[v.pk]),
            f"{v.document.title}, version {v.number}",
            "waiting for your sign-off"
            if v.status == VersionStatus.DRAFT
            else "waiting for the trustees' approval",
            v.document.school.name,
        )
        for v in waiting[:8]
    ]
    items += [
        (r.get_absolute_url(), f"Review of the {r.document.title}", r.stage, r.document.school.name)
        for r in reviews
    ]
    items += [
        (
            reverse("agreements-reviews", args=[d.school.slug]),
            d.title,
            f"review due {d.review_due:%-d %B %Y}",
            d.school.name,
        )
        for d in due.select_related("school")[:4]
    ]
    if not items:
        return None
    return Panel(
        title="Policies waiting for you",
        template="agreements/manage/panel.html",
        context={"items": items, "several_schools": len({i[3] for i in items}) > 1},
        order=20,
        count=len(items),
    )


@dashboard_panel
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
