"""Home-page panels: what I have to sign, and policies waiting for me."""

from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from esafety.dashboard import Panel, dashboard_panel
from esafety.models import Role
from esafety.roles import access_for, managed_school_ids, schools_with_roles

from .models import Document, PolicyReview, Version, VersionStatus
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
        context={"items": items},
        order=10,
        count=waiting.count(),
    )


@dashboard_panel
def policies_waiting(request):
    """Versions waiting for this headteacher's sign-off or this trustee's approval, open
    policy reviews and reviews due soon, for the people who act on them."""
    user = request.user
    if not user.is_authenticated:
        return None
    access = access_for(user)
    head_of = schools_with_roles(user, {Role.HEADTEACHER})
    managed = managed_school_ids(user)
    waiting = Version.objects.filter(
        Q(status=VersionStatus.DRAFT, document__school__in=head_of)
        | Q(status=VersionStatus.HEAD_SIGNED_OFF, document__school__in=access.trust_school_ids)
    ).select_related("document__school")
    soon = timezone.localdate() + timedelta(days=30)
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
