"""Demo self-reviews for `manage.py seed_demo`: last year's, signed by the headteacher and
the chair, and this year's draft with most aspects rated (one flagged for a second look)
and an action plan with one action overdue. Fictional people only; only for a school
with no self-review yet (safe to run again)."""

import datetime

from django.utils import timezone

from esafety.models import Role, TrusteeMembership
from esafety.services import attributed, holders

from . import services
from .models import ActionItem, Rating, SelfReview
from .selectors import _year_before

LAST_YEAR = {
    "leadership": 3,
    "filtering": 3,
    "security": 2,
    "data_protection": 3,
    "curriculum": 2,
    "training": 3,
    "parents": 2,
    "incidents": 3,
    "acceptable_use": 3,
}
THIS_YEAR = {
    "leadership": 4,
    "filtering": 4,
    "security": 3,
    "data_protection": 3,
    "curriculum": 5,  # well above the curriculum map so far: flagged for a second look
    "training": 4,
    "parents": 3,
}


def seed(schools):
    today = timezone.localdate()
    for school in schools.values():
        if SelfReview.objects.filter(school=school).exists():
            continue
        head = holders(school, Role.HEADTEACHER)[0]
        lead = (holders(school, Role.ESAFETY_OFFICER) or [head])[0]
        chair = (
            TrusteeMembership.objects.active()
            .filter(trust_id=school.trust_id, is_chair=True)
            .select_related("user")
            .first()
        )
        _last_year(school, head, lead, chair.user if chair else head, today)
        review = services.start_review(school=school, by=lead)
        for aspect, level in THIS_YEAR.items():
            services.rate(
                review=review,
                by=lead,
                aspect=aspect,
                level=level,
                notes="Reviewed at the online-safety group in October." if level >= 4 else "",
            )
        staff = list(services.staff_of(school)[:3]) or [lead]
        for days, text, aspect in (
            (-10, "Log a filtering check every half term", "filtering"),
            (21, "Map the Year 5 lessons to the privacy strand", "curriculum"),
            (60, "Hold a parents' session on gaming and chat", "parents"),
        ):
            action = ActionItem(
                review=review,
                text=text,
                owner=staff[len(text) % len(staff)],
                due_on=today + datetime.timedelta(days=days),
                aspect=aspect,
            )
            attributed(action, lead, "Action added").save()


def _last_year(school, head, lead, chair, today):
    start = _year_before(school.academic_year_start(today))
    signed = timezone.now() - datetime.timedelta(days=300)
    review = SelfReview(
        school=school,
        year_start=start,
        created_by=lead,
        summary="A first full self-review: policy and agreements in place; training and "
        "teaching about online safety to build on.",
    )
    attributed(review, lead, "Self-review started").save()
    for aspect, level in LAST_YEAR.items():
        attributed(Rating(review=review, aspect=aspect, level=level), lead).save()
    review.head_signed_by, review.head_signed_at = head, signed
    review.chair_signed_by, review.chair_signed_at = chair, signed + datetime.timedelta(days=20)
    attributed(review, head, "Signed").save()
