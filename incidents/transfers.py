"""A child's child protection file to the next school: when it is due, who gets the task,
and each step (choose the records, decide on each flagged name, send, receipt) done once.

KCSIE: the designated lead passes the file "as soon as possible, and within 5 days for an
in-year transfer or within the first 5 days of the start of a new term", separately from
the main pupil file, securely, with confirmation of receipt. Counting 5 school days after
the last day (weekends, bank holidays, closure days and the school's holidays skipped)
gives both: a pupil leaving on the Friday before half term or at the end of the summer
term is due on the 5th day of the next term. That needs the school's holidays recorded;
without them the page says so.

A transfer is opened only for a pupil the incident log holds something about (a part in
an incident): a pupil with nothing on file has no child protection file to send. The
officer may start one by hand for any pupil.
"""

import datetime
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from esafety.models import Membership, Role, School, SchoolHoliday
from esafety.notifications import notify
from esafety.once import already_done
from esafety.roles import roles_in
from esafety.services import attributed, holders
from esafety.workdays import add_school_days

from .models import IncidentPerson, Status
from .models_transfers import DAYS_TO_SEND, FileTransfer, SentHow, TransferStatus
from .rules import HIDDEN_FROM_ROLE, HIDDEN_SUBJECT

RECEIVING_ROLES = (Role.ESAFETY_OFFICER, Role.HEADTEACHER)


# --- when it is due ------------------------------------------------------------------------


def transfer_due(school, last_day: datetime.date) -> tuple[datetime.date, str]:
    """The 5th school day after the last day, and why it falls there."""
    due, skipped = add_school_days(school, last_day, DAYS_TO_SEND)
    reason = f"{DAYS_TO_SEND} school days after the last day, {last_day:%a %-d %b %Y}"
    holidays = sorted({s.split("holiday (", 1)[1].rstrip(")") for s in skipped if "holiday (" in s})
    others = [s for s in skipped if "holiday (" not in s and "weekend" not in s]
    if holidays:
        reason += "; the " + " and ".join(holidays) + " skipped"
    if others:
        reason += "; also skipped " + "; ".join(others)
    return due, reason[:500]


def holidays_unknown(school, last_day: datetime.date) -> bool:
    """True when the school has recorded no holiday after `last_day`: the deadline then
    cannot skip half term or the summer."""
    return not SchoolHoliday.objects.filter(school=school, ends_on__gte=last_day).exists()


def destination_in_trust(school, destination: str) -> School | None:
    """A school of the same trust the MIS or the officer named (its name, URN or short
    name), else None: the file then goes outside the product."""
    text = (destination or "").strip()
    if not text:
        return None
    schools = School.objects.filter(trust_id=school.trust_id).exclude(pk=school.pk)
    # The short name first: it is unique (the role-ending form sends it); then the URN,
    # then the name, which two schools could share.
    for field in ("slug", "urn", "name"):
        if found := schools.filter(**{f"{field}__iexact": text}).order_by("pk").first():
            return found
    return None


# --- opening a transfer -------------------------------------------------------------------


def has_file(school, pupil) -> bool:
    """The incident log holds something about the pupil here (a part in an incident)."""
    parts = IncidentPerson.objects.filter(person=pupil, incident__school=school)
    return parts.exclude(incident__status=Status.DRAFT).exists()


def open_transfer(
    *, school, pupil, last_day, destination, by=None, membership=None, destination_school=None
):
    """The transfer task, once: a second call for the same pupil (the sync and a role
    ended by hand on one day) returns the open one. Tells the school's officers."""
    existing = FileTransfer.objects.open().filter(school=school, pupil=pupil).first()
    if existing:
        return existing, False
    due_on, reason = transfer_due(school, last_day)
    transfer = FileTransfer(
        school=school,
        pupil=pupil,
        membership=membership,
        last_day=last_day,
        destination_school=destination_school or destination_in_trust(school, destination),
        due_on=due_on,
        due_reason=reason,
    )
    known = transfer.destination_school
    transfer.destination_name = (known.name if known else destination.strip())[:200]
    try:
        with transaction.atomic():
            how = "Started by hand" if by else "Opened when the pupil's place ended"
            attributed(transfer, by, f"{how}: moving to {transfer.destination_name}").save()
    except IntegrityError:  # opened by the other trigger at the same moment
        return FileTransfer.objects.open().get(school=school, pupil=pupil), False
    for officer in officers_to_tell(transfer):
        if officer != by:
            notify(
                officer,
                title=f"Send {pupil}'s child protection file by {due_on:%-d %B}",
                body=f"{pupil} has left for {transfer.destination_name}.",
                link=transfer.get_absolute_url(),
            )
    return transfer, True


def transfers_for_leavers(*, school, memberships: dict, ended_on, **kwargs) -> list:
    """`people_left`'s receiver: a transfer for each pupil who left with a destination and
    has something on file."""
    opened = []
    pupils = Membership.objects.filter(
        pk__in=[pk for pk, destination in memberships.items() if destination],
        role=Role.PUPIL,
        school=school,
    ).select_related("user", "school__trust")
    for membership in pupils:
        if not has_file(school, membership.user):
            continue
        last_day = (membership.ended_on or ended_on) - datetime.timedelta(days=1)
        transfer, _ = open_transfer(
            school=school,
            pupil=membership.user,
            last_day=last_day,
            destination=memberships[membership.pk],
            membership=membership,
        )
        opened.append(transfer)
    return opened


def _locked(transfer) -> FileTransfer:
    return FileTransfer.objects.select_for_update().get(pk=transfer.pk)


def _must_be_to_send(transfer) -> None:
    if transfer.status == TransferStatus.NOT_NEEDED:
        raise already_done("It was recorded that there is nothing to send.")
    if transfer.status != TransferStatus.TO_SEND:
        raise already_done("The file has been sent already.")


@transaction.atomic
def mark_not_needed(*, transfer, by, reason: str) -> FileTransfer:
    transfer = _locked(transfer)
    _must_be_to_send(transfer)
    if not reason.strip():
        raise ValidationError({"reason": "Say why there is nothing to send."})
    transfer.status = TransferStatus.NOT_NEEDED
    transfer.not_needed_reason = reason.strip()[:300]
    attributed(transfer, by, "Nothing to send").save()
    return transfer


# --- who may see a transfer ---------------------------------------------------------------


def hidden_incident_q(prefix: str = "") -> Q:
    """Transfers of a pupil involved in a concern about the headteacher of the sending
    school: never shown to that headteacher (the incidents' headteacher rule)."""
    return Exists(
        IncidentPerson.objects.filter(
            person=OuterRef(f"{prefix}pupil"),
            incident__school=OuterRef(f"{prefix}school"),
            incident__subject=HIDDEN_SUBJECT,
        )
    )


def transfers_for(user, school):
    """The school's transfers `user` may see, as (outgoing, incoming): the one rule is
    `FileTransfer.objects.visible_to` (the officer and headteacher of the sending school,
    except the headteacher for a pupil in a concern about them; the new school's leads
    once it is sent)."""
    visible = FileTransfer.objects.visible_to(user)
    return visible.filter(school=school), visible.filter(destination_school=school)


def is_hidden_from_head(transfer) -> bool:
    return FileTransfer.objects.filter(pk=transfer.pk).filter(hidden_incident_q()).exists()


def officers_to_tell(transfer) -> list:
    """The sending school's e-safety officers, without a headteacher (acting as officer
    too) when the pupil is in a concern about the headteacher."""
    officers = holders(transfer.school, Role.ESAFETY_OFFICER)
    if not is_hidden_from_head(transfer):
        return officers
    heads = set(holders(transfer.school, HIDDEN_FROM_ROLE))
    return [officer for officer in officers if officer not in heads]


def escalation_people(transfer) -> list:
    """Above the officer: the headteacher, or the chair of trustees when the pupil is in a
    concern about the headteacher (who must not learn of it from here)."""
    from .routing import chair_of

    heads = [] if is_hidden_from_head(transfer) else holders(transfer.school, Role.HEADTEACHER)
    if heads:
        return heads
    chair = chair_of(transfer.school.trust)
    return [chair] if chair else []


# --- sending and receipt ------------------------------------------------------------------


def _store_bundle(transfer, pdf: bytes) -> None:
    name = f"child-protection-file-{transfer.pk}.pdf"
    transfer.bundle.save(name, ContentFile(pdf), save=False)
    transfer.bundle_sha256 = hashlib.sha256(pdf).hexdigest()


@transaction.atomic
def send(*, transfer, by, pdf_for, how: str, note: str = "") -> FileTransfer:
    """Sent: the file as it is now is kept (the copy the sending school keeps; in the
    trust, the copy the new school opens). `pdf_for(transfer, viewer)` renders it."""
    from .transfer_files import undecided_flags

    transfer = _locked(transfer)
    _must_be_to_send(transfer)
    if not transfer.items.exists():
        raise ValidationError("Choose the records to send first, or record that there is none.")
    if undecided_flags(transfer):
        raise ValidationError("Decide on every name flagged for redaction before sending.")
    if how == SentHow.IN_PRODUCT and not transfer.in_trust:
        raise ValidationError({"how": "The new school is not one of the trust's."})
    if transfer.in_trust and how != SentHow.IN_PRODUCT:
        raise ValidationError({"how": "The new school is one of the trust's: send it here."})
    _store_bundle(transfer, pdf_for(transfer, by))
    transfer.status = TransferStatus.SENT
    transfer.sent_at = timezone.now()
    transfer.sent_by = by
    transfer.sent_how = how
    transfer.sent_note = note.strip()[:300]
    attributed(transfer, by, "Sent").save()
    if transfer.in_trust:
        for person in holders(transfer.destination_school, *RECEIVING_ROLES):
            notify(
                person,
                title=f"A child protection file has arrived from {transfer.school}",
                body="Open it and confirm you have received it.",
                link=transfer_link(transfer, transfer.destination_school),
            )
    return transfer


def transfer_link(transfer, school) -> str:
    return reverse("transfer-detail", args=[school.slug, transfer.pk])


@transaction.atomic
def confirm_receipt(*, transfer, by) -> FileTransfer:
    """The new school in the trust confirms with one click; a second click changes nothing."""
    transfer = _locked(transfer)
    if not transfer.in_trust or not roles_in(by, transfer.destination_school_id) & set(
        RECEIVING_ROLES
    ):
        raise PermissionDenied
    if transfer.status == TransferStatus.RECEIVED:
        raise already_done(f"Receipt was confirmed on {transfer.received_on:%-d %B %Y}.")
    if transfer.status != TransferStatus.SENT:
        raise ValidationError("The file has not been sent yet.")
    transfer.status = TransferStatus.RECEIVED
    transfer.received_on = timezone.localdate()
    transfer.received_by = by
    transfer.receipt_recorded_by = by
    attributed(transfer, by, "Receipt confirmed").save()
    if transfer.sent_by_id:
        notify(
            transfer.sent_by,
            title=f"{transfer.destination_school} confirmed receipt of {transfer.pupil}'s file",
            link=transfer.get_absolute_url(),
        )
    return transfer


@transaction.atomic
def record_receipt(*, transfer, by, received_on, note: str, receipt=None) -> FileTransfer:
    """A school outside the trust confirmed receipt (a reply, a signed slip): when, who and
    how, with the receipt itself if there is one."""
    transfer = _locked(transfer)
    if transfer.status == TransferStatus.RECEIVED:
        raise already_done(f"Receipt was recorded as {transfer.received_on:%-d %B %Y}.")
    if transfer.status != TransferStatus.SENT:
        raise ValidationError("Record how the file was sent first.")
    if received_on < timezone.localtime(transfer.sent_at).date():
        raise ValidationError({"received_on": "Receipt can't be before the file was sent."})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "That date is in the future."})
    transfer.status = TransferStatus.RECEIVED
    transfer.received_on = received_on
    transfer.receipt_note = note.strip()[:300]
    transfer.receipt_recorded_by = by
    if receipt is not None:
        transfer.receipt.save(f"receipt-{transfer.pk}-{receipt.name}"[-100:], receipt, save=False)
    attributed(transfer, by, "Receipt recorded").save()
    return transfer
