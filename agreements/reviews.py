"""Policy review: yearly, or early when an incident asks for one.

A review is recorded as a new draft version of the e-safety policy (who reviewed, what
changed and why). That version goes through the headteacher's sign-off and the
trustees' approval like any other; approval publishes it (see `services.approve`), which
starts the staff re-sign campaign and closes the review.

The review's own stage (open, signed off, approved, closed) is read from its version
rather than copied onto the review, so the two can never disagree.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from esafety.models import Role
from esafety.notifications import notify
from esafety.services import attributed, holders

from . import services
from .models import Document, Kind, PolicyReview, ReviewReason, Version


def policy_of(school) -> Document | None:
    return Document.objects.filter(school=school, kind=Kind.POLICY).order_by("pk").first()


def open_review(document) -> PolicyReview | None:
    return document.reviews.filter(closed_at__isnull=True).first()


def _tell_leads(review, title):
    """Tell the school's leads; the title names the school (a lead may work at two)."""
    school = review.document.school
    for user in holders(school, Role.ESAFETY_OFFICER, Role.HEADTEACHER):
        notify(user, title=f"{title} ({school.name})", link=review.get_absolute_url())


def _open(document, *, reason, by=None, detail="") -> tuple[PolicyReview, bool]:
    """The document's open review, or a new one. Safe against two at once (the database
    allows one open review per document)."""
    existing = open_review(document)
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            review = attributed(
                PolicyReview(document=document, reason=reason, opened_by=by, reason_detail=detail),
                by,
            )
            review.save()
    except IntegrityError:
        return open_review(document), False
    return review, True


@transaction.atomic
def open_early_review(*, incident, by, reason: str) -> PolicyReview | None:
    """An incident flagged "policy review needed" opens an early review of its school's
    e-safety policy, or joins the one already open. None if the school has no policy."""
    document = policy_of(incident.school)
    if document is None:
        return None
    review, created = _open(document, reason=ReviewReason.INCIDENT, by=by, detail=reason)
    review.incidents.add(incident)
    if created:
        # No safeguarding detail in the title: it is also emailed.
        _tell_leads(review, "An incident asks for an early review of the e-safety policy")
    return review


@transaction.atomic
def open_scheduled_review(document, *, by=None) -> PolicyReview:
    """The annual review: opened by the sweep on its due date (by nobody), or early by a
    person (then their name is on it and in its history)."""
    review, created = _open(document, reason=ReviewReason.SCHEDULED, by=by)
    if created:
        _tell_leads(review, f"The {document.title} is due for review today")
    return review


@transaction.atomic
def record_review(*, review: PolicyReview, by, what_changed: str, text: str) -> Version:
    """Who reviewed, what changed and why, and the reviewed text as a new draft version.
    Recording the same review twice (a double submit) returns the first draft."""
    # The review's row is locked: a second submit waits here, then sees the first.
    review = PolicyReview.objects.select_for_update().get(pk=review.pk)
    if review.closed_at:
        raise ValidationError("This review is closed.")
    if review.version_id:
        if review.what_changed == what_changed and review.version.text == text:
            return review.version
        raise ValidationError("This review is already recorded: edit its draft version.")
    if not what_changed.strip():
        raise ValidationError({"what_changed": "Say what changed and why (or why nothing did)."})
    version = services.new_version(
        document=review.document, by=by, text=text, change_summary=what_changed
    )
    review.version = version
    review.reviewed_by, review.reviewed_at = by, timezone.now()
    review.what_changed = what_changed
    attributed(review, by).save()
    return version


def _recorded_version(review: PolicyReview) -> Version:
    if review.closed_at:
        raise ValidationError("This review is closed.")
    if review.version is None:
        raise ValidationError("Record the review first: there is no new version to sign off.")
    return review.version


@transaction.atomic
def sign_off(*, review: PolicyReview, by) -> Version:
    """The headteacher signs off the version the review produced."""
    return services.head_sign_off(version=_recorded_version(review), by=by)


@transaction.atomic
def approve(*, review: PolicyReview, by, on=None) -> Version:
    """The trustees approve the version the review produced, and it is published straight
    away (unless it was given a later effective date: then the sweep publishes it on that
    day). The issue asks that "approving a new version starts the staff re-sign
    campaign": publishing is what supersedes the old version, freezes and hashes the new
    text and asks every member of staff to sign again, so in the review flow approval and
    publication are one step. Publishing also closes the review (`close_for`)."""
    return services.approve(version=_recorded_version(review), by=by, on=on)


def close_for(version: Version, by) -> None:
    """Publishing a review's version closes the review."""
    review = PolicyReview.objects.filter(version=version, closed_at__isnull=True).first()
    if review:
        review.closed_at = timezone.now()
        attributed(review, by).save()
