"""The filtering and monitoring review, its checks log and decision log (DfE filtering
and monitoring standards): one function per action, each one transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from esafety.models import Role, School
from esafety.notifications import notify
from esafety.roles import MANAGER_ROLES, roles_in
from esafety.services import attributed, holders

from .models import FilterDecision, FilteringCheck, FilteringReview
from .models_filtering import ReviewReason
from .services import add_months

REVIEW_EVERY_MONTHS = 12
REMIND_DAYS_BEFORE = 30
BREACH_TAG = "filtering-breach"  # the incident kind that prompts an early review


def last_signed_review(school) -> FilteringReview | None:
    return (
        FilteringReview.objects.filter(school=school, head_signed_at__isnull=False)
        .order_by("-held_on", "-head_signed_at")
        .first()
    )


def next_review_due(review: FilteringReview | None) -> datetime.date | None:
    """A year after the last signed review; None if the school has never recorded one."""
    if review is None:
        return None
    return add_months(review.held_on or review.head_signed_at.date(), REVIEW_EVERY_MONTHS)


def _tell_leads(school, title, link):
    for person in holders(school, Role.ESAFETY_OFFICER, Role.HEADTEACHER):
        notify(person, title=title, link=link)


def open_review(school) -> FilteringReview | None:
    return FilteringReview.objects.open().filter(school=school).first()


def _start(school, *, reason, by=None, detail="") -> tuple[FilteringReview, bool]:
    """The school's review in progress, or a new one (the database allows one)."""
    existing = open_review(school)
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            review = FilteringReview(school=school, reason=reason, reason_detail=detail)
            attributed(review, by, ReviewReason(reason).label).save()
    except IntegrityError:
        return open_review(school), False
    return review, True


@transaction.atomic
def start_review(*, school: School, by) -> FilteringReview:
    review, _ = _start(school, reason=ReviewReason.YEARLY, by=by)
    return review


@transaction.atomic
def prompt_early_review(*, incident, by=None) -> FilteringReview:
    """A filtering breach opens an early review, or joins the one in progress."""
    review, created = _start(
        incident.school,
        reason=ReviewReason.EARLY,
        by=by,
        detail=f"Filtering breach: incident {incident.reference}.",
    )
    review.incidents.add(incident)
    if created:
        # No detail in the title: it is also emailed.
        _tell_leads(
            incident.school,
            "A filtering breach asks for an early filtering and monitoring review",
            review.get_absolute_url(),
        )
    return review


REVIEW_FIELDS = (
    "held_on",
    "senior_leader",
    "dsl",
    "it_provider",
    "trustee",
    "filtering_provider",
    "monitoring_provider",
    "covers_school_devices",
    "covers_guest_wifi",
    "covers_off_site",
    "categories_blocked",
    "monitoring",
    "findings",
)


@transaction.atomic
def record_review(*, review: FilteringReview, by, **fields) -> FilteringReview:
    if review.is_signed:
        raise ValidationError("This review is signed off and can no longer change.")
    unknown = set(fields) - set(REVIEW_FIELDS)
    if unknown:
        raise ValueError(f"Not a review field: {sorted(unknown)}")
    held_on = fields.get("held_on")
    if held_on and held_on > timezone.localdate():
        raise ValidationError({"held_on": "The review date can't be in the future."})
    for name, value in fields.items():
        setattr(review, name, value)
    attributed(review, by, "Review recorded").save()
    return review


def _missing_for_sign_off(review) -> dict:
    missing = {}
    if not review.held_on:
        missing["held_on"] = "the date of the review"
    if not review.senior_leader_id:
        missing["senior_leader"] = "the responsible senior leader"
    if not review.dsl_id:
        missing["dsl"] = "the designated safeguarding lead"
    if not review.it_provider.strip():
        missing["it_provider"] = "the IT provider"
    if not review.findings.strip():
        missing["findings"] = "what the review found"
    return missing


@transaction.atomic
def head_sign(*, review: FilteringReview, by) -> FilteringReview:
    review = FilteringReview.objects.select_for_update().get(pk=review.pk)
    if review.is_signed:
        raise ValidationError("This review is already signed off by the headteacher.")
    missing = _missing_for_sign_off(review)
    if missing:
        raise ValidationError("Before signing, record " + ", ".join(missing.values()) + ".")
    review.head_signed_by, review.head_signed_at = by, timezone.now()
    attributed(review, by, "Signed off by the headteacher").save()
    return review


@transaction.atomic
def trustee_sign(*, review: FilteringReview, by) -> FilteringReview:
    review = FilteringReview.objects.select_for_update().get(pk=review.pk)
    if not review.is_signed:
        raise ValidationError("The headteacher signs the review first.")
    if review.trustee_signed_at:
        raise ValidationError("This review is already signed by a trustee.")
    review.trustee_signed_by, review.trustee_signed_at = by, timezone.now()
    attributed(review, by, "Signed by a trustee").save()
    return review


# --- the checks log and the decision log ----------------------------------------------------


@transaction.atomic
def log_check(*, school: School, by, **fields) -> FilteringCheck:
    checked_on = fields.get("checked_on")
    if checked_on and checked_on > timezone.localdate():
        raise ValidationError({"checked_on": "The check can't be dated in the future."})
    check = FilteringCheck(school=school, checked_by=by, **fields)
    attributed(check, by, "Check logged").save()
    return check


@transaction.atomic
def raise_incident_from_check(*, check: FilteringCheck, by):
    """A failed check becomes a filtering-breach incident (routed to the e-safety officer
    like any other), linked to the check; it also prompts an early review. Once per check."""
    from incidents import services as incident_services
    from incidents.models import Incident, IncidentTag, Location, Subject

    check = FilteringCheck.objects.select_for_update().get(pk=check.pk)
    if check.passed:
        raise ValidationError("This check worked as expected: there is no breach to report.")
    if check.incident_id:
        raise ValidationError("This check has already been reported as an incident.")
    incident = Incident(
        school=check.school,
        reported_by=by,
        location=Location.ON_SITE,
        subject=Subject.OUTSIDE,
        risk_area="content",
        device_description=check.device[:100],
        description=(
            f"Filtering check on {check.checked_on:%-d %B %Y} ({check.location}) failed.\n"
            f"Tested: {check.what_tested}\nExpected: {check.expected}\nActual: {check.actual}"
        ),
        action_taken=check.action,
    )
    tags = IncidentTag.objects.filter(school__isnull=True, slug=BREACH_TAG)
    incident = incident_services.submit_incident(incident=incident, by=by, tags=list(tags))
    check.incident = incident
    attributed(check, by, f"Reported as incident {incident.reference}").save()
    prompt_early_review(incident=incident, by=by)
    return incident


@transaction.atomic
def record_decision(*, school: School, by, **fields) -> FilterDecision:
    decided_on = fields.get("decided_on")
    if decided_on and decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "The decision can't be dated in the future."})
    decider = fields.get("decided_by")
    if decider is not None and not roles_in(decider, school) & MANAGER_ROLES:
        # The standards: the DSL or the responsible senior leader decides.
        raise ValidationError({"decided_by": "The DSL or a senior leader decides."})
    decision = FilterDecision(school=school, recorded_by=by, **fields)
    attributed(decision, by, "Decision recorded").save()
    return decision
