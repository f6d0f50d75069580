"""Agreements workflow: versions through approval, signing, consent and campaigns."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from esafety.bulk import insert_rows
from esafety.models import Membership, Notification, School, TrusteeMembership, User
from esafety.services import attributed as _attributed

from . import reminders
from .audience import audience_pairs
from .counting import signed_this_academic_year_q, still_counts_q
from .models import (
    REMINDER_EVERY,
    Channel,
    ConsentAnswer,
    Document,
    Kind,
    Method,
    Reason,
    Signature,
    SignRequest,
    Version,
    VersionStatus,
    content_hash,
    review_due_after,
)
from .names import names_match

NEXT_STATUS = {
    VersionStatus.DRAFT: VersionStatus.HEAD_SIGNED_OFF,
    VersionStatus.HEAD_SIGNED_OFF: VersionStatus.TRUSTEES_APPROVED,
    VersionStatus.TRUSTEES_APPROVED: VersionStatus.PUBLISHED,
}


def academic_year_label(school: School, on: datetime.date) -> str:
    start = school.academic_year_start(on)
    return f"{start.year}-{str(start.year + 1)[2:]}"


@transaction.atomic
def new_version(
    *,
    document: Document,
    by,
    text: str,
    change_summary: str = "",
    effective_date: datetime.date | None = None,
) -> Version:
    last = document.versions.order_by("-number").first()
    version = Version(
        document=document,
        number=(last.number + 1) if last else 1,
        text=text,
        change_summary=change_summary,
        effective_date=effective_date,
        created_by=by,
    )
    _attributed(version, by).save()
    return version


# A version only moves forward through these, one step at a time.
STATUS_ORDER = [*NEXT_STATUS, VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED]


def _claim(version: Version, expected: str) -> bool:
    """Lock the version's row, reload it, and take the step from `expected` to the next
    status. Returns whether this call took the step.

    A second click (or a second request racing the first) waits for the lock, then finds
    the step already taken: nothing changes and the page shows the same success. A step
    the version hasn't reached yet is refused."""
    document = version.document
    version.refresh_from_db(from_queryset=Version.objects.select_for_update())
    version.document = document  # keep the caller's document (and its school) attached
    if version.status == expected:
        version.status = NEXT_STATUS[expected]
        return True
    if STATUS_ORDER.index(version.status) > STATUS_ORDER.index(expected):
        return False
    raise ValidationError(
        f"This version is “{version.get_status_display()}”; it can't move to that step."
    )


@transaction.atomic
def head_sign_off(*, version: Version, by) -> Version:
    if _claim(version, VersionStatus.DRAFT):
        version.head_signed_off_by, version.head_signed_off_at = by, timezone.now()
        _attributed(version, by).save()
    return version


@transaction.atomic
def trustees_approve(*, version: Version, by) -> Version:
    if _claim(version, VersionStatus.HEAD_SIGNED_OFF):
        version.trustees_approved_by, version.trustees_approved_at = by, timezone.now()
        _attributed(version, by).save()
    return version


@transaction.atomic
def publish(*, version: Version, by, on: datetime.date | None = None) -> Version:
    """Publish an approved version: the old one is superseded, its text is frozen and
    hashed, and everyone who must sign it is asked to (only this document). Publishing
    twice does nothing the second time."""
    on = on or timezone.localdate()
    document = version.document
    # One publication at a time for a document (the sweep and a person may race).
    document.refresh_from_db(from_queryset=Document.objects.select_for_update())
    if not _claim(version, VersionStatus.TRUSTEES_APPROVED):
        return version
    previous = document.current_version()
    if previous:
        previous.status = VersionStatus.SUPERSEDED
        _attributed(previous, by).save()
    version.published_at = timezone.now()
    version.effective_date = version.effective_date or on
    version.content_hash = content_hash(version.text)
    _attributed(version, by).save()
    if document.kind == Kind.POLICY:
        document.review_due = review_due_after(on)
        _attributed(document, by).save()
    document.requests.filter(completed_at__isnull=True).exclude(version=version).delete()
    sync_requests(document=document, on=on)
    from .reviews import close_for

    close_for(version, by)
    return version


@transaction.atomic
def approve(*, version: Version, by, on: datetime.date | None = None) -> Version:
    """The trustees' approval. A version with no effective date, or one that has arrived,
    is published at once (starting its re-sign campaign); a later one is published by the
    sweep on its effective date."""
    on = on or timezone.localdate()
    trustees_approve(version=version, by=by)
    if version.effective_date is None or version.effective_date <= on:
        publish(version=version, by=by, on=on)
    return version


def publish_due(on: datetime.date) -> list[Version]:
    """Approved versions whose effective date has arrived (for the sweep)."""
    return list(
        Version.objects.filter(
            status=VersionStatus.TRUSTEES_APPROVED, effective_date__lte=on
        ).select_related("document__school", "trustees_approved_by")
    )


def latest_signature(document, subject):
    """The newest signature for this person on this document, any version."""
    return (
        Signature.objects.filter(version__document=document, subject=subject)
        .order_by("-signed_at", "-pk")
        .first()
    )


@transaction.atomic
def sync_requests(
    *, document: Document, on: datetime.date | None = None, people: set[int] | None = None
) -> int:
    """Make sure everyone who must sign has a "to sign" item: new people (induction), a new
    version, a new academic year. Idempotent: run it as often as you like. Returns how many
    new items were created; each person gets one notification.

    `people` (ids) limits it to those people's own items: what a new link or role asks of
    them at once (see joining.py); the same rules as the sweep's run for everyone."""
    on = on or timezone.localdate()
    version = document.current_version()
    if version is None:
        return 0
    pairs = audience_pairs(document, on)
    if people is not None:
        pairs = {(person, subject) for person, subject in pairs if person in people}
        if not pairs:
            return 0
    signed = set(
        Signature.objects.filter(
            still_counts_q(document, document.current_version(), on)
        ).values_list("signer_id", "subject_id")
    )
    signed_subjects = {subject for _, subject in signed}
    cycle = (
        academic_year_label(document.school, on)
        if document.renew_every_year
        else (f"v{version.number}")
    )
    open_pairs = set(
        document.requests.filter(version=version, cycle=cycle).values_list(
            "person_id", "subject_id"
        )
    )
    ever_signed = set(
        Signature.objects.filter(version__document=document).values_list("subject_id", flat=True)
    )
    joined_since = set() if document.sign_on_induction else _joined_since(document, version, on)
    new_this_year = _joined_after(document, document.school.academic_year_start(on), on)
    new = []
    now = timezone.now()
    for person, subject in pairs:
        # A parent agreement signed by either parent counts for the child.
        if (person, subject) in open_pairs or (person, subject) in signed:
            continue
        if document.parents_sign_for_each_child and subject in signed_subjects:
            continue
        reason = Reason.INDUCTION if subject in new_this_year else Reason.NOT_SIGNED
        if subject in ever_signed:
            reason = Reason.NEW_YEAR if document.renew_every_year else Reason.NEW_VERSION
        elif person in joined_since:
            continue  # not asked on joining: the next version or year asks them
        new.append(
            (document.pk, version.pk, person, subject, reason, cycle, now, 0, now + REMINDER_EVERY)
        )
    # A campaign writes tens of thousands: rows, not model instances (esafety/bulk.py).
    insert_rows(SignRequest, REQUEST_COLUMNS, new, ignore_conflicts=True)
    people = {row[2] for row in new}
    title = f"Please read and sign: {reminders.named(document)}"
    notified = insert_rows(
        Notification,
        ["recipient_id", "title", "body", "link", "created_at"],
        [(person, title, "", reminders.TO_SIGN, now) for person in people],
        returning=["id", "recipient_id"],
    )
    parents = reminders.parents_among(document, people) if people else set()
    reminders.email_ids_after_commit(
        document, [pk for pk, recipient in notified if recipient in parents]
    )
    return len(new)


REQUEST_COLUMNS = [
    "document_id",
    "version_id",
    "person_id",
    "subject_id",
    "reason",
    "cycle",
    "created_at",
    "reminders_sent",
    "next_reminder_at",
]


def _joined_since(document, version, on) -> set[int]:
    """People whose first role in the school (or trust, for trustees) began after this
    version's cycle began: new joiners, for documents not signed on induction."""
    cycle_start = version.published_at.date()
    if document.renew_every_year:
        cycle_start = max(cycle_start, document.school.academic_year_start(on))
    return _joined_after(document, cycle_start, on, strictly=True)


def _joined_after(document, start, on, *, strictly=False) -> set[int]:
    """People whose first role in the document's school (or trust, for trustees) began
    on or after `start` (after it, if `strictly`)."""
    after = "first__gt" if strictly else "first__gte"
    members = Membership.objects.active(on).filter(school=document.school)
    trustees = TrusteeMembership.objects.active(on).filter(trust=document.school.trust_id)
    joined = set()
    for memberships in (members, trustees):
        joined |= set(
            memberships.values("user_id")
            .annotate(first=Min("started_on"))
            .filter(**{after: start})
            .values_list("user_id", flat=True)
        )
    return joined


def can_sign_for(signer, subject, document) -> bool:
    from esafety.roles import children_of

    if signer.pk == subject.pk:
        return not document.parents_sign_for_each_child
    return (
        document.parents_sign_for_each_child and children_of(signer).filter(pk=subject.pk).exists()
    )


@transaction.atomic
def sign(
    *,
    version: Version,
    signer,
    subject,
    typed_name: str,
    consents: dict | None = None,
    method: str = Method.ONLINE,
    recorded_by=None,
    scan=None,
    ip_address: str | None = None,
    user_agent: str = "",
    shown_hash: str | None = None,
) -> Signature:
    """Record a signature of the exact published text. Consent must be answered yes or no
    for every channel: nothing is assumed.

    `shown_hash` is the hash of the text the signer was shown; it must still be the
    published text's. Signing twice with nothing changed (a double submit) records
    nothing new and returns the first signature."""
    # One signing at a time for this person: a second submit waits, then finds the first.
    User.objects.select_for_update().filter(pk=subject.pk).first()
    version = Version.objects.select_related("document__school").get(pk=version.pk)
    document = version.document
    _check_can_be_signed(version, shown_hash)
    typed_name = _checked_name(typed_name, signer, method)
    if method == Method.PAPER and not scan:
        raise ValidationError({"scan": "Attach the scan of the signed paper form."})
    consents = _checked_consents(document, consents or {})
    previous = _signature_this_cycle(version, subject)
    if previous and previous.signer_id == signer.pk and _answers_of(previous) == consents:
        return previous
    once_key = f"{version.pk}/{subject.pk}/{_cycle(version)}/{previous.pk if previous else 0}"
    latest = latest_signature(document, subject)
    given_before = {a.channel for a in latest.answers.filter(given=True)} if latest else set()
    signature = Signature(
        version=version,
        signer=signer,
        subject=subject,
        content_hash=version.content_hash,
        method=method,
        typed_name=typed_name,
        recorded_by=recorded_by,
        ip_address=ip_address,
        user_agent=user_agent[:300],
        # Taking back a consent given before is a withdrawal, kept as its own record.
        is_withdrawal=any(not consents.get(channel) for channel in given_before),
        once_key=once_key,
    )
    if scan:
        signature.scan = scan
    try:
        with transaction.atomic():
            signature.save()
    except IntegrityError:
        # Another request made this very signature a moment ago: that one stands.
        first = Signature.objects.filter(once_key=once_key).first()
        if first is None:
            raise
        return first
    ConsentAnswer.objects.bulk_create(
        ConsentAnswer(signature=signature, channel=c, given=consents[c])
        for c in Channel.values
        if c in consents
    )
    document.requests.filter(subject=subject, completed_at__isnull=True).update(
        completed_at=signature.signed_at
    )
    return signature


def _check_can_be_signed(version: Version, shown_hash: str | None) -> None:
    from .integrity import TEXT_CHANGED, TEXT_CHANGED_WHILE_READING

    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError("Only the published version can be signed.")
    if not version.text_matches_hash():
        raise ValidationError(TEXT_CHANGED)
    if shown_hash is not None and shown_hash != version.content_hash:
        raise ValidationError(TEXT_CHANGED_WHILE_READING)


def _checked_name(typed_name: str, signer, method: str) -> str:
    """The typed name must be the signer's own name as the school holds it (a parent
    types their own name, not their child's). In class the teacher's name is recorded."""
    typed_name = typed_name.strip()
    if not typed_name:
        raise ValidationError({"typed_name": "Type your full name to sign."})
    if method != Method.IN_CLASS and not names_match(typed_name, signer.full_name):
        if method == Method.PAPER:
            message = f"The name on the form should be the signer's: {signer.full_name}."
        else:
            message = f"Type your own name as the school holds it: {signer.full_name}."
        raise ValidationError({"typed_name": message})
    return typed_name


def _checked_consents(document: Document, consents: dict) -> dict:
    if not document.asks_consent:
        return {}
    missing = [c.label for c in Channel if consents.get(c.value) not in (True, False)]
    if missing:
        raise ValidationError({"consents": f"Answer yes or no for: {', '.join(missing)}."})
    return {c: bool(consents[c]) for c in Channel.values}


def _cycle(version: Version) -> str:
    """The period one signature covers: the academic year, or the version's lifetime."""
    if version.document.renew_every_year:
        return academic_year_label(version.document.school, timezone.localdate())
    return "version"


def _signature_this_cycle(version: Version, subject) -> Signature | None:
    counting = still_counts_q(version.document, version, timezone.localdate())
    signatures = Signature.objects.filter(counting, subject=subject)
    return signatures.order_by("-signed_at", "-pk").first()


def _answers_of(signature: Signature) -> dict:
    return {a.channel: a.given for a in signature.answers.all()}


def consent_now(document: Document, subject, channel: str, on=None) -> bool:
    """Whether consent is given today: the latest answer in this academic year, else no."""
    on = on or timezone.localdate()
    latest = (
        Signature.objects.filter(
            signed_this_academic_year_q(document.school, on),
            version__document=document,
            subject=subject,
        )
        .order_by("-signed_at", "-pk")
        .first()
    )
    if latest is None:
        return False
    return latest.answers.filter(channel=channel, given=True).exists()
