"""Retention's rows of the permission matrix: the school's headteacher and e-safety
officer only; another school's people don't find it; trustees see nothing of it. Also
the small makers of due records the retention tests share."""

import datetime

from django.utils import timezone

from esafety.models_retention import LegalHold
from esafety.retention.registry import record_ref
from esafety.testing import Route, school_managers_only


def school(p):
    return {"slug": p.school.slug}


def due_training_record(p, person=None, title="Online safety update"):
    """A training record done long ago: past its 6 years, so due in the review."""
    from training.models import TrainingRecord

    return TrainingRecord.objects.create(
        school=p.school,
        person=person or p.teacher,
        title=title,
        completed_on=datetime.date(2015, 9, 1),
        recorded_by=p.esafety_officer,
        recorded_at=timezone.now(),
    )


def review_with_one(p):
    due_training_record(p)
    return school(p)


def destroy_one(p):
    return {"destroy": record_ref(due_training_record(p))}


def a_hold(p):
    hold = LegalHold.objects.create(
        school=p.school, person=p.pupil, reason="Police inquiry", placed_by=p.esafety_officer
    )
    return {"slug": p.school.slug, "pk": hold.pk}


def a_rule(p):
    return {"slug": p.school.slug, "key": "incidents.child_protection"}


LEADS = school_managers_only()
LEADS_DONE = school_managers_only(302)

ROUTES = [
    Route("retention-review", LEADS, review_with_one),
    Route("retention-review", LEADS_DONE, school, method="post", data=destroy_one),
    Route("retention-tombstones", LEADS, school),
    Route("retention-holds", LEADS, school),
    Route(
        "retention-holds",
        LEADS_DONE,
        school,
        method="post",
        data=lambda p: {"person": p.pupil.pk, "reason": "A claim has been made."},
    ),
    Route("retention-hold-lift", LEADS, a_hold),
    Route(
        "retention-hold-lift",
        LEADS_DONE,
        a_hold,
        method="post",
        data=lambda p: {"reason": "The police closed their inquiry."},
    ),
    Route("retention-schedule", LEADS, school),
    Route("retention-lengthen", LEADS, a_rule),
    Route(
        "retention-lengthen",
        LEADS_DONE,
        a_rule,
        method="post",
        data=lambda p: {"years": 30, "reason": "The trust's policy."},
    ),
]
