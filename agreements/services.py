"""Agreements workflow: versions through approval, signing, consent and campaigns."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from esafety.models import Membership, Notification, School, TrusteeMembership
from esafety.services import attributed as _attributed

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


@transaction.atomic
def head_sign_off(*, version: Version, by) -> Version:
    _advance(version, VersionStatus.DRAFT)
    version.head_signed_off_by, version.head_signed_off_at = by, timezone.now()
    _attributed(version, by).save()
    return version


@transaction.atomic
def trustees_approve(*, version: Version, by) -> Version:
    _advance(version, VersionStatus.HEAD_SIGNED_OFF)
    version.trustees_approved_by, version.trustees_approved_at = by, timezone.now()
    _attributed(version, by).save()
    return version


def _advance(version, expected):
    if version.status != expected:
        raise ValidationError(
            f"This version is “{version.get_status_display()}”; it can't move to that step."
        )
    version.status = NEXT_STATUS[expected]


@transaction.atomic
def publish(*, version: Version, by, on: datetime.date | None = None) -> Version:
    """Publish an approved version: the old one is superseded, its text is frozen and
    hashed, and everyone who must sign it is asked to (only this document)."""
    on = on or timezone.localdate()
    document = version.document
    previous = document.current_version()
    if previous:
        previous.status = VersionStatus.SUPERSEDED
        _attributed(previous, by).save()
    _advance(version, VersionStatus.TRUSTEES_APPROVED)
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
def sync_requests(*, document: Document, on: datetime.date | None = None) -> int:
    """Make sure everyone who must sign has a "to sign" item: new people (induction), a new
    version, a new academic year. Idempotent: run it as often as you like. Returns how many
    new items were created; each person gets one notification."""
    on = on or timezone.localdate()
    version = document.current_version()
    if version is None:
        return 0
    pairs = audience_pairs(document, on)
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
    new = []
    now = timezone.now()
    for person, subject in pairs:
        # A parent agreement signed by either parent counts for the child.
        if (person, subject) in open_pairs or (person, subject) in signed:
            continue
        if document.parents_sign_for_each_child and subject in signed_subjects:
            continue
        reason = Reason.INDUCTION
        if subject in ever_signed:
            reason = Reason.NEW_YEAR if document.renew_every_year else Reason.NEW_VERSION
        elif person in joined_since:
            continue  # not asked on joining: the next version or year asks them
        new.append(
            SignRequest(
                document=document,
                version=version,
                person_id=person,
                subject_id=subject,
                reason=reason,
                cycle=cycle,
                created_at=now,
                next_reminder_at=now + REMINDER_EVERY,
            )
        )
    SignRequest.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    people = {request.person_id for request in new}
    Notification.objects.bulk_create(
        (
            Notification(
                recipient_id=person,
                title=f"Please read and sign: {document.title}",
                link="/agreements/to-sign/",
            )
            for person in people
        ),
        batch_size=2000,
    )
    return len(new)


def _joined_since(document, version, on) -> set[int]:
    """People whose first role in the school (or trust, for trustees) began after this
    version's cycle began: new joiners, for documents not signed on induction."""
    cycle_start = version.published_at.date()
    if document.renew_every_year:
        cycle_start = max(cycle_start, document.school.academic_year_start(on))
    members = Membership.objects.active(on).filter(school=document.school)
    trustees = TrusteeMembership.objects.active(on).filter(trust=document.school.trust_id)
    joined = set()
    for memberships in (members, trustees):
        joined |= set(
            memberships.values("user_id")
            .annotate(first=Min("started_on"))
            .filter(first__gt=cycle_start)
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
) -> Signature:
    """Record a signature of the exact published text. Consent must be answered yes or no
    for every channel: nothing is assumed."""
    document = version.document
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError("Only the published version can be signed.")
    if not typed_name.strip():
        raise ValidationError({"typed_name": "Type your full name to sign."})
    if method == Method.PAPER and not scan:
        raise ValidationError({"scan": "Attach the scan of the signed paper form."})
    consents = consents or {}
    if document.asks_consent:
        missing = [c.label for c in Channel if consents.get(c.value) not in (True, False)]
        if missing:
            raise ValidationError({"consents": f"Answer yes or no for: {', '.join(missing)}."})
    previous = latest_signature(document, subject)
    given_before = {a.channel for a in previous.answers.filter(given=True)} if previous else set()
    signature = Signature(
        version=version,
        signer=signer,
        subject=subject,
        content_hash=version.content_hash,
        method=method,
        typed_name=typed_name.strip(),
        recorded_by=recorded_by,
        ip_address=ip_address,
        user_agent=user_agent[:300],
        # Taking back a consent given before is a withdrawal, kept as its own record.
        is_withdrawal=any(not consents.get(channel) for channel in given_before),
    )
    if scan:
        signature.scan = scan
    signature.save()
    ConsentAnswer.objects.bulk_create(
        ConsentAnswer(signature=signature, channel=c, given=bool(consents[c]))
        for c in Channel.values
        if c in consents and document.asks_consent
    )
    document.requests.filter(subject=subject, completed_at__isnull=True).update(
        completed_at=signature.signed_at
    )
    return signature


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
