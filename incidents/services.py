"""Incident workflow: one function per action, each a single transaction with history."""

import datetime
import mimetypes

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from esafety.models import Membership, Role
from esafety.notifications import notify
from esafety.services import attributed as _attributed
from esafety.uploads import MB, check_upload

from . import states
from .cover import takes_it
from .deadlines import acknowledge_due
from .models import (
    ActionKind,
    Evidence,
    Incident,
    IncidentCounter,
    IncidentPerson,
    IncidentTag,
    ParentsInformed,
    Part,
    PersonKind,
    Referral,
    Sanction,
    Series,
    Status,
    TimelineEntry,
)
from .routing import decide_routing

MAX_EVIDENCE_BYTES = 10 * MB
EVIDENCE_DOCUMENTS = (".pdf", ".txt", ".log", ".csv", ".eml", ".docx", ".xlsx", ".odt")
# Screenshots (e.g. of a bullying message) are allowed, except where imagery is forbidden.
EVIDENCE_IMAGES = (".png", ".jpg", ".jpeg")
# Magic numbers of image and video files: refused whatever the file is called.
_IMAGE_OR_VIDEO_SIGNATURES = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG",
    b"GIF8",
    b"II*\x00",  # TIFF
    b"MM\x00*",
    b"RIFF",  # WEBP / AVI
    b"\x1aE\xdf\xa3",  # WebM / MKV
)


def _note(incident, kind, text, *, by=None, at=None, **fields) -> TimelineEntry:
    return TimelineEntry.objects.create(
        incident=incident,
        kind=kind,
        text=text,
        created_by=by,
        created_at=at or timezone.now(),
        **fields,
    )


def _take_number(school, year: int, series: str = Series.INCIDENTS) -> str:
    """The next number in the school's year and series. The increment is one UPDATE, so it
    holds the counter's row (PostgreSQL) or the write lock (SQLite) until this submission
    commits: simultaneous submissions queue behind it and each gets its own number."""
    counter = IncidentCounter.objects.filter(school=school, year=year, series=series)
    if not counter.update(last=F("last") + 1):
        try:
            with transaction.atomic():
                IncidentCounter.objects.create(school=school, year=year, series=series, last=1)
        except IntegrityError:  # another submission started the year's counter first
            counter.update(last=F("last") + 1)
    last = counter.get().last
    return f"{year}-{series}{last:03d}" if series else f"{year}-{last:04d}"


@transaction.atomic
def save_draft(*, incident: Incident, by, people=(), tags=()) -> Incident:
    """Save the author's draft (only they can see it)."""
    incident.reported_by = incident.reported_by if incident.pk else by
    incident.status = Status.DRAFT
    _attributed(incident, by).save()
    if tags is not None:
        incident.tags.set(tags)
    _replace_people(incident, people)
    return incident


def _replace_people(incident, people):
    if people is None:
        return
    incident.people.all().delete()
    for entry in people:
        IncidentPerson.objects.create(incident=incident, **entry)


@transaction.atomic
def submit_incident(*, incident: Incident, by, people=None, tags=None) -> Incident:
    """Submit: number it, route it, start its timers and tell the right people at once.
    A draft sent twice (a double click) is submitted once; the second gets it back."""
    if incident.pk:
        stored = Incident.objects.select_for_update().get(pk=incident.pk)
        if stored.status != Status.DRAFT:
            return stored
    now = timezone.now()
    incident.reported_by = incident.reported_by if incident.pk else by
    incident.reported_at = now
    incident.status = Status.DRAFT
    states.move(incident, "submit", by=by)
    series = Series.ALLEGATIONS if incident.is_allegation else Series.INCIDENTS
    incident.number = _take_number(incident.school, timezone.localtime(now).year, series)
    deadline = acknowledge_due(incident.school, now)
    incident.acknowledge_by, incident.acknowledge_by_reason = deadline.at, deadline.reason
    _attributed(incident, by).save()
    if tags is not None:
        incident.tags.set(tags)
    _replace_people(incident, people)
    _route(incident)
    return incident


def _route(incident):
    routing = decide_routing(incident)
    incident.routed_to = routing.recipient
    incident.lado_referral_due = routing.lado_due
    incident.save(update_fields=["routed_to", "lado_referral_due"])
    who = str(routing.recipient) if routing.recipient else "nobody (no one holds the role)"
    _note(incident, ActionKind.ROUTING, f"Sent to {who}. {routing.reason}", at=incident.reported_at)
    link = incident.get_absolute_url()
    if routing.recipient:
        notify(
            routing.recipient,
            title=f"New e-safety incident {incident.named} to acknowledge",
            link=link,
        )
    for user in routing.also_notify:
        notify(user, title=f"E-safety incident {incident.named} needs your attention", link=link)
    if routing.lado_due:
        due = timezone.localtime(routing.lado_due).strftime("%-d %b %Y %H:%M")
        _note(
            incident,
            ActionKind.NOTE,
            f"A LADO referral should be made by {due}.",
            at=incident.reported_at,
        )


def _lock(record):
    """Re-read `record` holding its row (PostgreSQL; on SQLite the IMMEDIATE transaction
    already holds the write lock): two clicks at once run one after the other, and the
    second sees what the first did."""
    record.refresh_from_db(from_queryset=type(record).objects.select_for_update())
    return record


@transaction.atomic
def acknowledge(*, incident: Incident, by) -> Incident:
    """Once: a second click, or a colleague at the same moment, changes nothing. A lead
    or deputy who acknowledges a concern about a pupil takes it (cover.takes_it)."""
    _lock(incident)
    if incident.status != Status.REPORTED:
        return incident
    states.move(incident, "acknowledge", by=by)
    incident.acknowledged_at = timezone.now()
    incident.acknowledged_by = by
    text = f"Acknowledged by {by}."
    if takes_it(incident, by):
        if incident.routed_to_id:
            text = f"Acknowledged by {by}, who takes it from {incident.routed_to}."
        incident.routed_to = by
    _attributed(incident, by).save()
    _note(incident, ActionKind.ACKNOWLEDGED, text, by=by)
    return incident


def _dealing_with(incident, by) -> None:
    """Something was done: an acknowledged incident is now being dealt with."""
    if states.begin_if_acknowledged(incident, by=by):
        _attributed(incident, by).save(update_fields=["status"])


@transaction.atomic
def add_timeline_entry(*, incident, by, text, owner=None, due_on=None) -> TimelineEntry:
    """A note, or an action to do when it has an owner or a due date."""
    _dealing_with(incident, by)
    is_action = owner is not None or due_on is not None
    entry = _note(
        incident,
        ActionKind.ACTION if is_action else ActionKind.NOTE,
        text,
        by=by,
        owner=owner,
        due_on=due_on,
    )
    if owner is not None and owner != by:
        # The link is the action's own page: the owner may not see the rest of the incident.
        notify(
            owner,
            title=f"You have an action on incident {incident.named}",
            link=reverse("action-detail", args=[entry.pk]),
        )
    return entry


@transaction.atomic
def complete_action(*, entry: TimelineEntry, by, note: str = "") -> TimelineEntry:
    """Marked done once, with what was done; a second click leaves the first in place."""
    _lock(entry)
    if entry.kind != ActionKind.ACTION:
        raise ValidationError("Only an action can be marked as done.")
    if entry.done_at is None:
        entry.done_at = timezone.now()
        entry.done_by = by
        entry.done_note = note.strip()
        _attributed(entry, by).save()
    return entry


@transaction.atomic
def add_incident_kind(*, school, by, name: str, forbids_images: bool = False) -> IncidentTag:
    # Names can share a slug ("Dup Kind", "dup-kind!"; any two without Latin letters).
    base = slugify(name)[:54] or "kind"
    taken = set(
        IncidentTag.objects.filter(school=school, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return IncidentTag.objects.create(
        school=school, name=name, slug=slug, forbids_images=forbids_images
    )


def kind_of(user) -> str:
    """A person chosen from the school's list is a pupil if they are one, else staff."""
    pupil = Membership.objects.active().filter(user=user, role=Role.PUPIL).exists()
    return PersonKind.PUPIL if pupil else PersonKind.STAFF


@transaction.atomic
def add_person(*, incident, by, person=None, name="", kind, part) -> IncidentPerson:
    """Someone else turned out to be involved: added, never removed, and in the history."""
    if person is None and not name.strip():
        raise ValidationError("Choose a person or type their name.")
    involved = _attributed(
        IncidentPerson(incident=incident, person=person, name=name, kind=kind, part=part), by
    )
    involved.save()
    _note(
        incident,
        ActionKind.NOTE,
        f"{involved.display_name} added as {involved.get_part_display().lower()}.",
        by=by,
    )
    return involved


@transaction.atomic
def add_referral(*, incident, by, agency, referred_on, reference="", notes="") -> Referral:
    _dealing_with(incident, by)
    referral = _attributed(
        Referral(
            incident=incident,
            agency=agency,
            referred_on=referred_on,
            reference=reference,
            notes=notes,
            made_by=by,
        ),
        by,
    )
    referral.save()
    ref = f" (reference {reference})" if reference else ""
    _note(
        incident,
        ActionKind.NOTE,
        f"Referred to {referral.get_agency_display()} on {referred_on:%-d %b %Y}{ref}.",
        by=by,
    )
    return referral


@transaction.atomic
def add_sanction(*, incident, by, description, applied_on, person=None) -> Sanction:
    """`person`: who it applies to, as involved in the incident (an IncidentPerson) or as
    chosen with the picker (a User of the school, added to the incident if not yet on it)."""
    if isinstance(person, IncidentPerson):
        if person.incident_id != incident.pk:
            raise ValidationError("That person is not involved in this incident.")
    elif person is not None:
        involved = incident.people.filter(person=person).order_by("pk").first()
        if involved is None:
            involved = add_person(
                incident=incident, by=by, person=person, kind=kind_of(person), part=Part.ALLEGED
            )
        person = involved
    _dealing_with(incident, by)
    sanction = _attributed(
        Sanction(
            incident=incident,
            person=person,
            description=description,
            applied_on=applied_on,
            applied_by=by,
        ),
        by,
    )
    sanction.save()
    return sanction


@transaction.atomic
def record_parent_contact(*, incident, by, informed, when=None, reason="") -> Incident:
    if informed == ParentsInformed.YES and when is None:
        raise ValidationError({"when": "Say when the parents or carers were told."})
    if informed == ParentsInformed.NO and not reason.strip():
        raise ValidationError({"reason": "Say why the parents or carers were not told."})
    _dealing_with(incident, by)
    incident.parents_informed = informed
    incident.parents_informed_at = when if informed == ParentsInformed.YES else None
    incident.parents_informed_by = by if informed == ParentsInformed.YES else None
    incident.parents_not_informed_reason = reason if informed == ParentsInformed.NO else ""
    _attributed(incident, by).save()
    text = (
        f"Parents or carers were told on {timezone.localtime(when):%-d %b %Y %H:%M}."
        if informed == ParentsInformed.YES
        else f"Parents or carers not told: {reason}"
    )
    _note(incident, ActionKind.NOTE, text, by=by)
    return incident


@transaction.atomic
def set_review_date(*, incident, by, review_date: datetime.date) -> Incident:
    incident.review_date = review_date
    _attributed(incident, by).save()
    return incident


@transaction.atomic
def record_review(
    *, incident, by, result: str, close: bool = False, outcome: str | None = None
) -> Incident:
    """The review's result (and, for an allegation about an adult, its outcome); the
    incident moves to "being reviewed" (and closes, if asked and everything closing needs
    is there)."""
    _lock(incident)
    outcome = incident.allegation_outcome if outcome is None else outcome
    same = incident.review_result == result and incident.allegation_outcome == outcome
    if same and (incident.status == Status.CLOSED or not close):
        return incident  # the same review sent twice
    incident.review_result = result
    incident.allegation_outcome = outcome
    incident.reviewed_at = timezone.now()
    incident.reviewed_by = by
    if incident.status != Status.REVIEW:
        states.move(incident, "review", by=by)
    _attributed(incident, by).save()
    _note(incident, ActionKind.NOTE, "Review recorded.", by=by)
    if close:
        close_incident(incident=incident, by=by)
    return incident


@transaction.atomic
def close_incident(*, incident, by, close_actions_reason: str = "") -> Incident:
    """Close, if it was acknowledged, its actions are done (or a reason closes them), the
    parents' contact and the review are recorded; otherwise say every reason it can't."""
    _lock(incident)
    if incident.status == Status.CLOSED:
        return incident
    states.move(incident, "close", by=by, close_actions_reason=close_actions_reason)
    for entry in states.open_actions(incident):
        note = f"Closed with the incident: {close_actions_reason}"
        complete_action(entry=entry, by=by, note=note)
    _attributed(incident, by).save()
    _note(incident, ActionKind.NOTE, "Incident closed.", by=by)
    return incident


@transaction.atomic
def reopen_incident(*, incident, by, reason: str) -> Incident:
    _lock(incident)
    states.move(incident, "reopen", by=by, reason=reason)
    _attributed(incident, by, reason).save()
    _note(incident, ActionKind.NOTE, f"Reopened: {reason}", by=by)
    return incident


@transaction.atomic
def sign_off(*, incident, by, as_trustee: bool = False) -> Incident:
    """Signed once: a second click (or a second signer at the same moment) finds the
    signature there and changes nothing."""
    field = "trustee" if as_trustee else "headteacher"
    _lock(incident)
    if getattr(incident, f"{field}_signed_at"):
        return incident
    if not incident.review_result:
        raise ValidationError("Record the result of the review before signing off.")
    setattr(incident, f"{field}_signed_by", by)
    setattr(incident, f"{field}_signed_at", timezone.now())
    _attributed(incident, by).save()
    title = "trustee" if as_trustee else incident.first_signer
    _note(incident, ActionKind.SIGN_OFF, f"Signed off by {by} ({title}).", by=by)
    return incident


@transaction.atomic
def request_trustee_sign_off(*, incident, by, trustee) -> Incident:
    """The seed's log has a trustee's signature: ask one trustee to read and sign it."""
    from esafety.models import TrusteeMembership

    if not TrusteeMembership.objects.active().filter(user=trustee, trust=incident.school.trust_id):
        raise ValidationError({"trustee": "Choose a current trustee of this school's trust."})
    incident.trustee_sign_requested_from = trustee
    _attributed(incident, by).save()
    _note(incident, ActionKind.NOTE, f"{trustee} was asked to sign as trustee.", by=by)
    notify(
        trustee,
        title=f"Please sign incident {incident.named} as trustee",
        link=incident.get_absolute_url(),
    )
    return incident


@transaction.atomic
def flag_policy_review(*, incident, by, reason: str) -> Incident:
    incident.policy_review_needed = True
    incident.policy_review_reason = reason
    _attributed(incident, by).save()
    _note(incident, ActionKind.NOTE, f"Flagged for a policy review: {reason}", by=by)
    from agreements.reviews import open_early_review

    open_early_review(incident=incident, by=by, reason=reason)
    return incident


@transaction.atomic
def classify(*, incident, by, category: str, risk_area: str, tags) -> Incident:
    """Set the category, risk area and kinds (what closing needs, and what the trustees'
    4 Cs count). The same choices sent twice change nothing the second time."""
    _lock(incident)
    tags = list(tags)
    before = (incident.category, incident.risk_area, {t.pk for t in incident.tags.all()})
    if before == (category, risk_area, {t.pk for t in tags}):
        return incident
    _dealing_with(incident, by)
    told = decide_routing(incident).also_notify
    incident.category, incident.risk_area = category, risk_area
    _attributed(incident, by, "Classified").save()
    incident.tags.set(tags)
    kinds = ", ".join(sorted(t.name for t in tags))
    _note(
        incident,
        ActionKind.CHANGE,
        f"Classified: {incident.category_label}; risk area "
        f"{incident.get_risk_area_display().split(' (')[0].lower()}; kind: {kinds}.",
        by=by,
    )
    _tell_whom_the_change_concerns(incident, told)
    return incident


def _tell_whom_the_change_concerns(incident, told: list):
    """After the category changes, tell whoever the routing rule now adds (a category the
    headteacher must know of), once: those told before are not told again, and the
    person it was sent to already has it."""
    routing = decide_routing(incident)
    for user in routing.also_notify:
        if user in told or user == incident.routed_to:
            continue
        notify(
            user,
            title=f"E-safety incident {incident.named} needs your attention",
            link=incident.get_absolute_url(),
        )
        _note(
            incident,
            ActionKind.ROUTING,
            f"Also sent to {user}: {incident.category_label} is a category the headteacher "
            "is told of.",
        )


AMENDABLE_FIELDS = (
    "child_at_risk_now",
    "contact_from_older",
    "image_of_child",
    "occurred_at",
    "location",
    "description",
    "action_taken",
    "category",
    "risk_area",
    "platform",
    "device_owner",
    "device_description",
)


@transaction.atomic
def amend_report(*, incident, by, reason: str, changes: dict) -> Incident:
    """Change the submitted report: a reason is required and kept in the history."""
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for changing the report."})
    changed = [f for f, v in changes.items() if f in AMENDABLE_FIELDS and getattr(incident, f) != v]
    if not changed:
        raise ValidationError("Nothing was changed.")
    told = decide_routing(incident).also_notify
    for name in changed:
        setattr(incident, name, changes[name])
    _attributed(incident, by, reason).save()
    labels = ", ".join(Incident._meta.get_field(f).verbose_name for f in changed)
    _note(incident, ActionKind.CHANGE, f"Report changed ({labels}). Reason: {reason}", by=by)
    if "category" in changed:
        _tell_whom_the_change_concerns(incident, told)
    return incident


def check_evidence(incident, upload) -> str:
    """The content type to store, or a ValidationError with a clear reason."""
    name = upload.name or ""
    named_visual = (mimetypes.guess_type(name)[0] or "").startswith(("image/", "video/"))
    head = upload.read(16)
    upload.seek(0)
    # MP4 / MOV / HEIC carry "ftyp" at offset 4.
    content_visual = head.startswith(_IMAGE_OR_VIDEO_SIGNATURES) or head[4:8] == b"ftyp"
    if (named_visual or content_visual) and incident.forbids_images:
        raise ValidationError(
            "Images and videos can't be attached to this incident. Never copy, save or share "
            "imagery that may show a child: describe it in words and leave the device with the "
            "police or the e-safety officer."
        )
    return check_upload(
        upload, allowed=EVIDENCE_DOCUMENTS + EVIDENCE_IMAGES, max_bytes=MAX_EVIDENCE_BYTES
    )


@transaction.atomic
def attach_evidence(*, incident, by, upload, description="") -> Evidence:
    content_type = check_evidence(incident, upload)
    evidence = _attributed(
        Evidence(
            incident=incident,
            file=upload,
            original_name=upload.name[:200],
            content_type=content_type,
            size=upload.size,
            description=description,
            uploaded_by=by,
        ),
        by,
    )
    evidence.save()
    _note(incident, ActionKind.NOTE, f"Evidence attached: {evidence.original_name}.", by=by)
    return evidence
