"""A demo subject access request: a parent asks for their child's records, received a
week ago, identity not yet checked. Fictional, and only when the school has none.

`seed(schools)` has the shape `manage.py seed_demo` calls for each app's `demo.py`; the
core's own demo module (esafety/demo.py, when there is one) calls it."""

import datetime

from django.utils import timezone

from ..models import ParentLink, User
from ..models_subject_access import ReceivedHow, RequesterKind, SubjectAccessRequest
from ..roles import MANAGER_ROLES
from . import services


def seed(schools) -> None:
    for slug, school in schools.items():
        if SubjectAccessRequest.objects.filter(school=school).exists():
            continue
        parent = User.objects.filter(email=f"parent@{slug}.example").first()
        link = (
            ParentLink.objects.filter(
                parent=parent, child__memberships__school=school, ended_on__isnull=True
            )
            .select_related("child")
            .first()
        )
        # The e-safety officer handles it where the school has one ("esafety_officer"
        # sorts before "headteacher").
        lead = (
            User.objects.filter(memberships__school=school, memberships__role__in=MANAGER_ROLES)
            .order_by("memberships__role", "pk")
            .first()
        )
        if parent is None or link is None or lead is None:
            continue
        services.record_request(
            school=school,
            by=lead,
            subject=link.child,
            requester_kind=RequesterKind.PARENT,
            requester_name=parent.full_name,
            requester_contact=parent.email,
            received_on=timezone.localdate() - datetime.timedelta(days=7),
            received_how=ReceivedHow.EMAIL,
            asked_for="A copy of everything the school holds about my child's online safety.",
            parent_authority="Too young to decide for themselves (primary school).",
        )
