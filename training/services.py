"""Training: one function per action, each a single transaction with attributed history."""

import datetime
import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from esafety import figures
from esafety.models import Role, School
from esafety.notifications import notify
from esafety.once import already_done
from esafety.services import attributed, holders

from .certificates import check_certificate
from .models import (
    CPDRequest,
    CPDStatus,
    Evidence,
    Requirement,
    TrainingRecord,
)
from .status import DONE, people_in, school_standings, schools_counting

EARLIEST_DATE = datetime.date(2000, 1, 1)
# One click sends one reminder: a second click within this time sends nothing.
REMIND_AGAIN_AFTER = timedelta(minutes=10)


def check_date(value, field: str, *, today=None, future_ok=False) -> None:
    """A plausible date: not before 2000 and, unless planned, not in the future."""
    today = today or timezone.localdate()
    if value is None:
        return
    if value < EARLIEST_DATE:
        raise ValidationError({field: "Check the year: that date is too long ago."})
    if not future_ok and value > today:
        raise ValidationError({field: "That date is in the future. Record training once done."})


# --- requirements -----------------------------------------------------------------------------


@transaction.atomic
def save_requirement(*, requirement: Requirement, by) -> Requirement:
    if not requirement.audience_roles:
        raise ValidationError({"audience_roles": "Choose who must have this training."})
    if requirement.evidence == Evidence.SIGNATURE:
        if requirement.document is None:
            raise ValidationError({"document": "Choose the document people sign."})
        if requirement.document.school_id != requirement.school_id:
            raise ValidationError({"document": "Choose one of this school's documents."})
    else:
        requirement.document = None
    if requirement.evidence == Evidence.GUIDE and not requirement.guide_slug:
        raise ValidationError({"guide_slug": "Say which guide must be walked through."})
    attributed(requirement, by).save()
    return requirement


# --- records -----------------------------------------------------------------------------------


def _store_certificate(record, certificate):
    if certificate:
        extension = check_certificate(certificate)
        certificate.name = f"certificate-{uuid.uuid4().hex}{extension}"
        record.certificate = certificate


def _save_record(record, by, reason):
    try:
        with transaction.atomic():
            attributed(record, by, reason).save()
    except IntegrityError:
        raise ValidationError(
            {"completed_on": "This training is already recorded for that person on that day."}
        ) from None
    return record


@transaction.atomic
def record_training(
    *,
    person,
    school: School,
    by,
    requirement: Requirement | None = None,
    title: str = "",
    completed_on: datetime.date,
    provider: str = "",
    hours=None,
    notes: str = "",
    certificate=None,
) -> TrainingRecord:
    """Someone records training they did (a requirement, or free-standing CPD). It counts
    at once and waits for the e-safety officer to verify it."""
    check_date(completed_on, "completed_on")
    if requirement is not None:
        if requirement.evidence == Evidence.SIGNATURE:
            raise ValidationError(
                {"requirement": "This training is met by signing the document: sign it instead."}
            )
        if requirement.evidence == Evidence.CERTIFICATE and not certificate:
            raise ValidationError({"certificate": "This training needs its certificate."})
        title = requirement.title
    if not title.strip():
        raise ValidationError({"title": "Say what the training was."})
    record = TrainingRecord(
        school=school,
        person=person,
        requirement=requirement,
        title=title.strip(),
        completed_on=completed_on,
        provider=provider,
        hours=hours,
        notes=notes,
        recorded_by=by,
    )
    _store_certificate(record, certificate)
    _save_record(record, by, "Recorded")
    figures.invalidate(model=TrainingRecord, schools=schools_counting(school, [person.pk]))
    return record


@transaction.atomic
def record_guide_walked(
    *, person, school: School, guide_slug: str, walked_on: datetime.date
) -> list[TrainingRecord]:
    """Someone walked a "What to do if..." guide to its end (the incidents app calls
    this): a record for each of the school's requirements met by that guide, once a day.
    It counts at once and waits for the e-safety officer to verify it, like any other."""
    requirements = Requirement.objects.filter(
        school=school, evidence=Evidence.GUIDE, guide_slug=guide_slug, is_active=True
    )
    made = []
    for requirement in requirements:
        record = TrainingRecord(
            school=school,
            person=person,
            requirement=requirement,
            title=requirement.title,
            completed_on=walked_on,
            provider="Walked through the guide on this site",
            recorded_by=person,
        )
        try:
            with transaction.atomic():  # walked twice in a day: recorded once
                attributed(record, person, "Walked through the guide").save()
        except IntegrityError:
            continue
        made.append(record)
    if made:
        figures.invalidate(model=TrainingRecord, schools=schools_counting(school, [person.pk]))
    return made


TRAINING_DONE_ALREADY = "This training is already recorded as done."


@transaction.atomic
def complete_planned(
    *, record: TrainingRecord, by, completed_on, provider="", hours=None, certificate=None
) -> TrainingRecord:
    """The person did the training their approved CPD request planned."""
    record = TrainingRecord.objects.select_for_update().get(pk=record.pk)
    if record.completed_on is not None:
        raise already_done(TRAINING_DONE_ALREADY)
    check_date(completed_on, "completed_on")
    record.completed_on = completed_on
    record.provider = provider or record.provider
    record.hours = hours if hours is not None else record.hours
    _store_certificate(record, certificate)
    return _save_record(record, by, "Done")


@transaction.atomic
def verify(*, record: TrainingRecord, by) -> TrainingRecord:
    """The e-safety officer (or head) confirms the record; once, and never their own."""
    record = TrainingRecord.objects.select_for_update().get(pk=record.pk)
    if record.person_id == by.pk:
        raise ValidationError("Someone else must verify your own training.")
    if record.completed_on is None:
        raise ValidationError("Planned training can be verified once it is done.")
    if record.verified_at is not None:
        raise already_done(f"{record.verified_by} already verified this record.")
    record.verified_by, record.verified_at = by, timezone.now()
    attributed(record, by, "Verified").save()
    return record


def session_people(school: School, *, today=None) -> list:
    """Who a session can be recorded for: the school's staff in post today and its trust's
    trustees. The one list the "Record a session" form offers and `record_session` accepts.

    Not "in post on the session's date": a role's start date is often the day the school
    added the person, and a two-yearly course (the DSL's) done 18 months ago is still in
    date; their own "Record training" takes any past date, so the session does too."""
    return people_in([school.pk], today or timezone.localdate())[school.pk]


@transaction.atomic
def record_session(
    *,
    school: School,
    requirement: Requirement,
    people,
    completed_on: datetime.date,
    by,
    provider: str = "",
    hours=None,
    notes: str = "",
    today=None,
) -> list[TrainingRecord]:
    """The officer records a whole session at once for the people who were there: a
    verified record each (their own waits for someone else). People already recorded for
    it that day are left as they are (a second submit adds nobody twice)."""
    check_date(completed_on, "completed_on", today=today)
    if requirement.evidence == Evidence.SIGNATURE:
        raise ValidationError({"requirement": "This training is met by signing a document."})
    if not people:
        raise ValidationError({"people": "Tick the people who were there."})
    ids = {getattr(p, "pk", p) for p in people}
    if ids - {p.user_id for p in session_people(school, today=today)}:
        raise ValidationError({"people": "Tick only people who work at the school."})
    # Two submits of the same session wait for each other here, so the second adds nobody.
    Requirement.objects.select_for_update().filter(pk=requirement.pk).first()
    already = set(
        TrainingRecord.objects.filter(
            requirement=requirement, completed_on=completed_on, person__in=ids
        ).values_list("person_id", flat=True)
    )
    now = timezone.now()
    records = [
        TrainingRecord(
            school=school,
            person_id=person_id,
            requirement=requirement,
            title=requirement.title,
            completed_on=completed_on,
            provider=provider,
            hours=hours,
            notes=notes,
            recorded_by=by,
            recorded_at=now,
            # Nobody verifies their own training, not even by recording a session.
            verified_by=None if person_id == by.pk else by,
            verified_at=None if person_id == by.pk else now,
        )
        for person_id in sorted(ids - already)
    ]
    created = TrainingRecord.objects.bulk_create(records)
    # bulk_create sends no signals: write the history rows and mark the figures stale.
    TrainingRecord.history.bulk_history_create(
        created, default_user=by, default_change_reason="Recorded at a session"
    )
    figures.invalidate(model=TrainingRecord, schools=schools_counting(school, sorted(ids)))
    return created


@transaction.atomic
def remind_outstanding(*, requirement: Requirement, by, today=None) -> int:
    """One click: a notification to everyone who must have this training and hasn't got
    it in date. Emails carry no detail. A second click within minutes sends nothing."""
    today = today or timezone.localdate()
    locked = Requirement.objects.select_for_update().get(pk=requirement.pk)
    last = locked.history.filter(history_change_reason="Reminder sent").first()
    if last and timezone.now() - last.history_date < REMIND_AGAIN_AFTER:
        raise ValidationError("A reminder went to them a few minutes ago.")
    standings = school_standings([locked.school_id], today, requirements=_only(locked))
    people = [p for p, s in standings[locked.school_id].for_requirement(locked) if s.status != DONE]
    for person in people:
        notify(_user(person.user_id), title=f"Training to do: {locked.title}", link=_mine())
    attributed(locked, by, "Reminder sent").save()
    return len(people)


def _only(requirement):
    return Requirement.objects.filter(pk=requirement.pk)


def _user(user_id):
    from esafety.models import User

    return User.objects.get(pk=user_id)


def _mine():
    return reverse("training-mine")


# --- CPD requests ------------------------------------------------------------------------------


@transaction.atomic
def ask_for_cpd(*, school: School, by, topic: str, reason: str = "") -> CPDRequest:
    if not topic.strip():
        raise ValidationError({"topic": "Say what training you would like."})
    request = CPDRequest(school=school, requested_by=by, topic=topic.strip(), reason=reason)
    attributed(request, by, "Asked").save()
    for lead in holders(school, Role.ESAFETY_OFFICER, Role.HEADTEACHER):
        if lead != by:
            notify(lead, title="A request for training", link=request.get_absolute_url())
    return request


DECIDED_ALREADY = "This request has already been decided."


@transaction.atomic
def decide_cpd(
    *, request: CPDRequest, by, approve: bool, due_on=None, reason: str = ""
) -> CPDRequest:
    """Approve (it becomes planned training with a date) or decline with a reason; the
    person who asked is told. Once only."""
    request = CPDRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != CPDStatus.OPEN:
        raise already_done(DECIDED_ALREADY)
    if approve:
        if due_on is None:
            raise ValidationError({"due_on": "Give the date it should be done by."})
        check_date(due_on, "due_on", future_ok=True)
        if due_on < timezone.localdate():
            raise ValidationError({"due_on": "The date it should be done by has passed."})
        planned = TrainingRecord(
            school=request.school,
            person=request.requested_by,
            title=request.topic,
            due_on=due_on,
            notes=reason,
            recorded_by=by,
        )
        attributed(planned, by, "Planned from a CPD request").save()
        request.planned_record = planned
        request.status = CPDStatus.APPROVED
    else:
        if not reason.strip():
            raise ValidationError({"reason": "Say why, so the person knows what to do next."})
        request.decline_reason = reason.strip()
        request.status = CPDStatus.DECLINED
    request.decided_by, request.decided_at = by, timezone.now()
    attributed(request, by, request.get_status_display()).save()
    notify(
        request.requested_by,
        title=f"Your training request was {'approved' if approve else 'declined'}",
        link=reverse("training-cpd-mine"),
    )
    return request
