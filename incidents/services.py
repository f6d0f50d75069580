"""Incident workflow: one function per action, each a single transaction with history."""

import datetime
import mimetypes

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from esafety.notifications import notify
from esafety.services import attributed as _attributed

from .deadlines import acknowledge_deadline
from .models import (
    ActionKind,
    Evidence,
    Incident,
    IncidentCounter,
    IncidentPerson,
    IncidentTag,
    ParentsInformed,
    Referral,
    Sanction,
    Status,
    Subject,
    TimelineEntry,
)
from .routing import decide_routing

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
ALLOWED_EVIDENCE_TYPES = {
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".log": "text/plain",
    ".csv": "text/csv",
    ".eml": "message/rfc822",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
}
# Screenshots (e.g. of a bullying message) are allowed, except where imagery is forbidden.
ALLOWED_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
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


def _take_number(school, year: int) -> str:
    counter, _ = IncidentCounter.objects.select_for_update().get_or_create(school=school, year=year)
    IncidentCounter.objects.filter(pk=counter.pk).update(last=counter.last + 1)
    return f"{year}-{counter.last + 1:04d}"


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
    """Submit: number it, route it, start its timers and tell the right people at once."""
    if incident.pk and incident.status != Status.DRAFT:
        raise ValidationError("This incident has already been submitted.")
    now = timezone.now()
    incident.reported_by = incident.reported_by if incident.pk else by
    incident.reported_at = now
    incident.status = Status.REPORTED
    incident.number = _take_number(incident.school, timezone.localtime(now).year)
    incident.acknowledge_by = acknowledge_deadline(incident.school, now)
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
            title=f"New e-safety incident {incident.number} to acknowledge",
            link=link,
        )
    for user in routing.also_notify:
        notify(user, title=f"E-safety incident {incident.number} needs your attention", link=link)
    if routing.lado_due:
        due = timezone.localtime(routing.lado_due).strftime("%-d %b %Y %H:%M")
        _note(
            incident,
            ActionKind.NOTE,
            f"A LADO referral should be made by {due}.",
            at=incident.reported_at,
        )


@transaction.atomic
def acknowledge(*, incident: Incident, by) -> Incident:
    claimed = Incident.objects.filter(pk=incident.pk, status=Status.REPORTED).update(
        status=Status.OPEN, acknowledged_at=timezone.now(), acknowledged_by=by
    )
    if not claimed:
        raise ValidationError("This incident has already been acknowledged.")
    incident.refresh_from_db()
    _note(incident, ActionKind.ACKNOWLEDGED, f"Acknowledged by {by}.", by=by)
    return incident


@transaction.atomic
def add_timeline_entry(*, incident, by, text, owner=None, due_on=None) -> TimelineEntry:
    """A note, or an action to do when it has an owner or a due date."""
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
        notify(
            owner,
            title=f"You have an action on incident {incident.number}",
            link=incident.get_absolute_url(),
        )
    return entry


@transaction.atomic
def complete_action(*, entry: TimelineEntry, by) -> TimelineEntry:
    claimed = TimelineEntry.objects.filter(
        pk=entry.pk, kind=ActionKind.ACTION, done_at__isnull=True
    ).update(done_at=timezone.now(), done_by=by)
    if not claimed:
        raise ValidationError("This action is already done.")
    entry.refresh_from_db()
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
    if person is not None and person.incident_id != incident.pk:
        raise ValidationError("That person is not involved in this incident.")
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
def record_review(*, incident, by, result: str, close: bool = False) -> Incident:
    incident.review_result = result
    incident.reviewed_at = timezone.now()
    incident.reviewed_by = by
    if close:
        incident.status = Status.CLOSED
    _attributed(incident, by).save()
    _note(
        incident,
        ActionKind.NOTE,
        "Review recorded" + (" and incident closed." if close else "."),
        by=by,
    )
    return incident


@transaction.atomic
def sign_off(*, incident, by, as_trustee: bool = False) -> Incident:
    field = "trustee" if as_trustee else "headteacher"
    if getattr(incident, f"{field}_signed_at"):
        raise ValidationError("This has already been signed.")
    if not incident.review_result:
        raise ValidationError("Record the result of the review before signing off.")
    setattr(incident, f"{field}_signed_by", by)
    setattr(incident, f"{field}_signed_at", timezone.now())
    _attributed(incident, by).save()
    title = (
        "trustee"
        if as_trustee
        else ("chair of trustees" if incident.subject == Subject.HEADTEACHER else "headteacher")
    )
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
        title=f"Please sign incident {incident.number} as trustee",
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


AMENDABLE_FIELDS = (
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
    for name in changed:
        setattr(incident, name, changes[name])
    _attributed(incident, by, reason).save()
    labels = ", ".join(Incident._meta.get_field(f).verbose_name for f in changed)
    _note(incident, ActionKind.CHANGE, f"Report changed ({labels}). Reason: {reason}", by=by)
    return incident


def check_evidence(incident, upload) -> str:
    """The content type to store, or a ValidationError with a clear reason."""
    name = upload.name or ""
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    named_visual = (mimetypes.guess_type(name)[0] or "").startswith(("image/", "video/"))
    head = upload.read(16)
    upload.seek(0)
    # MP4 / MOV / HEIC carry "ftyp" at offset 4.
    content_visual = head.startswith(_IMAGE_OR_VIDEO_SIGNATURES) or head[4:8] == b"ftyp"
    looks_visual = named_visual or content_visual
    if looks_visual and incident.forbids_images:
        raise ValidationError(
            "Images and videos can't be attached to this incident. Never copy, save or share "
            "imagery that may show a child: describe it in words and leave the device with the "
            "police or the e-safety officer."
        )
    allowed = {**ALLOWED_EVIDENCE_TYPES, **ALLOWED_IMAGE_TYPES}
    if extension not in allowed:
        names = ", ".join(sorted(allowed))
        raise ValidationError(f"Files of this type can't be attached. Allowed: {names}.")
    if content_visual != (extension in ALLOWED_IMAGE_TYPES):
        raise ValidationError("The file's contents don't match its name, so it was refused.")
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError("The file is larger than 10 MB.")
    return allowed[extension]


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
