"""The self-review's actions, one function each, each one transaction. Do-once steps
(starting a year's review, each signature) hold a row lock and are backed by database
constraints, so a double click or two people at once change nothing twice."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from esafety.models import STAFF_ROLES, Membership, Role, School, TrusteeMembership, User
from esafety.notifications import notify
from esafety.services import attributed, holders

from .evidence import evidence_for
from .framework import ASPECTS, BY_KEY
from .models import FROZEN_MESSAGE as FROZEN
from .models import ActionItem, Rating, SelfReview


def this_year_start(school: School, today: datetime.date | None = None) -> datetime.date:
    return school.academic_year_start(today or timezone.localdate())


@transaction.atomic
def start_review(*, school: School, by, today: datetime.date | None = None) -> SelfReview:
    """This academic year's review: the one already started, or a new draft."""
    year_start = this_year_start(school, today)
    existing = SelfReview.objects.filter(school=school, year_start=year_start).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            review = SelfReview(school=school, year_start=year_start, created_by=by)
            attributed(review, by, "Self-review started").save()
    except IntegrityError:  # someone else started it at the same moment
        return SelfReview.objects.get(school=school, year_start=year_start)
    return review


def _locked(review: SelfReview) -> SelfReview:
    return SelfReview.objects.select_for_update().select_related("school").get(pk=review.pk)


@transaction.atomic
def rate(*, review: SelfReview, by, aspect: str, level: int, notes: str = "") -> Rating:
    review = _locked(review)
    if review.is_frozen:
        raise ValidationError(FROZEN)
    if aspect not in BY_KEY:
        raise ValidationError({"aspect": "Choose one of the framework's aspects."})
    if level not in range(1, 6):
        raise ValidationError({"level": "Choose a level from 1 to 5."})
    rating = Rating.objects.filter(review=review, aspect=aspect).first() or Rating(
        review=review, aspect=aspect
    )
    rating.level, rating.notes = level, notes
    attributed(rating, by, f"Rated {BY_KEY[aspect].title}").save()
    return rating


@transaction.atomic
def save_summary(*, review: SelfReview, by, summary: str) -> SelfReview:
    review = _locked(review)
    if review.is_frozen:
        raise ValidationError(FROZEN)
    review.summary = summary
    attributed(review, by, "Summary written").save()
    return review


def staff_of(school: School):
    """People with a staff role in force in the school: the owners an action may have."""
    in_force = Membership.objects.active().filter(school=school, role__in=STAFF_ROLES)
    return (
        User.objects.filter(is_active=True, memberships__in=in_force)
        .distinct()
        .order_by("full_name")
    )


@transaction.atomic
def add_action(
    *, review: SelfReview, by, text: str, owner: User, due_on: datetime.date, aspect: str = ""
) -> ActionItem:
    review = _locked(review)
    if review.is_frozen:
        raise ValidationError(FROZEN)
    if not staff_of(review.school).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": "Choose a member of this school's staff."})
    if aspect and aspect not in BY_KEY:
        raise ValidationError({"aspect": "Choose one of the framework's aspects."})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": "The due date can't be in the past."})
    action = ActionItem(review=review, text=text, owner=owner, due_on=due_on, aspect=aspect)
    attributed(action, by, "Action added").save()
    return action


@transaction.atomic
def complete_action(
    *, action: ActionItem, by, done_on: datetime.date | None = None, note: str = ""
) -> ActionItem:
    """Mark an action done, once (a second click changes nothing)."""
    action = ActionItem.objects.select_for_update().get(pk=action.pk)
    if action.done_on is not None:
        return action
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "The date done can't be in the future."})
    if done_on < action.created_at.date():
        raise ValidationError({"done_on": "The date done can't be before the action was set."})
    action.done_on, action.done_note = done_on, note
    attributed(action, by, "Done").save()
    return action


def missing_for_signing(review: SelfReview, ratings=None, evidence=None) -> list[str]:
    """What stops the headteacher signing, in words they can act on."""
    ratings = {r.aspect: r for r in (ratings if ratings is not None else review.ratings.all())}
    evidence = (
        evidence if evidence is not None else evidence_for([review.school_id])[review.school_id]
    )
    missing = [f"rate {a.title}" for a in ASPECTS if a.key not in ratings]
    for aspect in ASPECTS:
        rating = ratings.get(aspect.key)
        if rating and evidence[aspect.key].flag(rating.level) and not rating.notes.strip():
            missing.append(f"say in the notes why {aspect.title} is rated above the records")
    if not review.summary.strip():
        missing.append("write the overall summary")
    return missing


@transaction.atomic
def sign_as_head(*, review: SelfReview, by) -> tuple[SelfReview, bool]:
    """The headteacher signs: the review is frozen with the evidence as it stood. Returns
    (review, signed now); a second click finds it signed and changes nothing."""
    review = _locked(review)
    if review.head_signed_at:
        return review, False
    ratings = list(review.ratings.all())
    evidence = evidence_for([review.school_id])[review.school_id]
    missing = missing_for_signing(review, ratings, evidence)
    if missing:
        raise ValidationError("Before signing, " + "; ".join(missing) + ".")
    for rating in ratings:
        found = evidence[rating.aspect]
        rating.evidence_at_signing = {**found.as_data(), "flag": found.flag(rating.level)}
        attributed(rating, by, "Evidence kept at signing").save(allow_frozen=True)
    review.head_signed_by, review.head_signed_at = by, timezone.now()
    attributed(review, by, "Signed by the headteacher").save()
    chairs = TrusteeMembership.objects.active().filter(
        trust_id=review.school.trust_id, is_chair=True
    )
    for chair in User.objects.filter(trusteeships__in=chairs, is_active=True).distinct():
        notify(
            chair, title="A self-review is ready for your signature", link=review.get_absolute_url()
        )
    return review, True


@transaction.atomic
def sign_as_chair(*, review: SelfReview, by) -> tuple[SelfReview, bool]:
    review = _locked(review)
    if review.chair_signed_at:
        return review, False
    if not review.head_signed_at:
        raise ValidationError("The headteacher signs the review first.")
    review.chair_signed_by, review.chair_signed_at = by, timezone.now()
    attributed(review, by, "Signed by the chair of trustees").save()
    for lead in holders(review.school, Role.HEADTEACHER, Role.ESAFETY_OFFICER):
        notify(
            lead,
            title="The chair of trustees signed the self-review",
            link=review.get_absolute_url(),
        )
    return review, True
