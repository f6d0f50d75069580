"""Demo retention records, only when a school has none: a legal hold on one pupil's
records (a fictional police inquiry) and a past destruction batch of two returned
device loans, approved by the school's lead. Fictional, and needing no app's records
(the core's demo runs before the apps')."""

import datetime

from django.utils import timezone

from ..models import Membership, Role, User
from ..models_retention import DestructionBatch, LegalHold, Tombstone
from ..roles import MANAGER_ROLES
from . import services
from .registry import get_rule


def seed(schools) -> None:
    rule = get_rule("devices.loans")
    for school in schools.values():
        if LegalHold.objects.filter(school=school).exists():
            continue
        lead = (
            User.objects.filter(memberships__school=school, memberships__role__in=MANAGER_ROLES)
            .order_by("memberships__role", "pk")
            .first()
        )
        pupil = (
            Membership.objects.filter(school=school, role=Role.PUPIL)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if lead is None or pupil is None:
            continue
        services.place_hold(
            school=school,
            by=lead,
            person=pupil.user,
            reason="Police inquiry (demo): keep everything until the officer in charge says so.",
        )
        if rule is None:
            continue
        when = timezone.now() - datetime.timedelta(days=40)
        batch = DestructionBatch.objects.create(
            school=school, approved_by=lead, approved_at=when, count=2
        )
        for n, returned in enumerate((datetime.date(2023, 7, 14), datetime.date(2023, 9, 2))):
            Tombstone.objects.create(
                batch=batch,
                school=school,
                rule_key=rule.key,
                rule_source=rule.source,
                kind=rule.kind,
                reference=f"LOAN-DEMO-{n + 1}",
                occurred_on=returned,
                keep_until=returned.replace(year=returned.year + rule.minimum_years),
                destroyed_at=when,
                approved_by=lead,
            )
