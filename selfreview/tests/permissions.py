"""The self-review's URLs in the permission matrix (esafety/tests/test_permission_matrix.py)."""

import datetime

from django.utils import timezone

from esafety.testing import Route, expect, school_managers_only


def school(p):
    return {"slug": p.school.slug}


def draft(p):
    from selfreview import services

    return services.start_review(school=p.school, by=p.esafety_officer)


def head_signed(p):
    """A review the headteacher has signed, with an action owned by the teacher (a name
    trustees must not see)."""
    from esafety.services import attributed
    from selfreview.models import ActionItem, Rating

    review = draft(p)
    for aspect in ("leadership", "filtering"):
        attributed(Rating(review=review, aspect=aspect, level=3), p.esafety_officer).save()
    ActionItem.objects.create(
        review=review,
        text="Train the lunchtime staff",
        owner=p.teacher,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    review.summary = "A year of steady progress."
    review.head_signed_by, review.head_signed_at = p.headteacher, timezone.now()
    review.save()
    return review


def teachers_action(p):
    from selfreview.models import ActionItem

    return ActionItem.objects.create(
        review=draft(p),
        text="Check the Year 6 lesson plans",
        owner=p.teacher,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )


TRUSTEES_SEE = dict(trustee=200, chair=200)
SCHOOL_LEADS_ONLY = school_managers_only()
# Signed by the head: the school's leads and the trust's trustees.
LEADS_AND_TRUSTEES = {**school_managers_only(), **TRUSTEES_SEE}

ROUTES = [
    Route("selfreview-school", LEADS_AND_TRUSTEES, kwargs=school),
    Route(
        "selfreview-start",
        school_managers_only(302),
        kwargs=school,
        method="post",
    ),
    Route("selfreview-detail", SCHOOL_LEADS_ONLY, kwargs=lambda p: {"pk": draft(p).pk}),
    Route("selfreview-detail", LEADS_AND_TRUSTEES, kwargs=lambda p: {"pk": head_signed(p).pk}),
    Route("selfreview-summary", SCHOOL_LEADS_ONLY, kwargs=lambda p: {"pk": draft(p).pk}),
    Route(
        "selfreview-rate",
        SCHOOL_LEADS_ONLY,
        kwargs=lambda p: {"pk": draft(p).pk, "aspect": "curriculum"},
    ),
    Route("selfreview-action-add", SCHOOL_LEADS_ONLY, kwargs=lambda p: {"pk": draft(p).pk}),
    Route("selfreview-pdf", LEADS_AND_TRUSTEES, kwargs=lambda p: {"pk": head_signed(p).pk}),
    # The headteacher signs a draft with nothing rated: refused with a message (302 back to
    # the review); the officer may not sign as headteacher.
    Route(
        "selfreview-sign",
        school_managers_only(302) | {"esafety_officer": 403},
        kwargs=lambda p: {"pk": draft(p).pk, "step": "head"},
        method="post",
    ),
    # Only the chair signs what the headteacher signed; other trustees may see it, not sign.
    Route(
        "selfreview-sign",
        {**school_managers_only(403), "trustee": 403, "chair": 302},
        kwargs=lambda p: {"pk": head_signed(p).pk, "step": "chair"},
        method="post",
    ),
    # The action's owner (a teacher) and the school's leads.
    Route(
        "selfreview-action",
        {**school_managers_only(), "teacher": 200},
        kwargs=lambda p: {"pk": teachers_action(p).pk},
    ),
    Route("selfreview-trust", expect(403, **TRUSTEES_SEE)),
]
