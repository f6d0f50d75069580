"""The subject access register's steps, one service each: record a request (its
deadline worked out), hand it to another lead, check identity, extend, record the search
and the officer's decisions, mark it sent, refuse or withdraw it. Keyword-only and
atomic; a step done already (a second click, a colleague at the same moment) raises
`already_done`, and the row lock makes sure it is done once."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Membership, Role, School, User
from ..models_subject_access import (
    CLOSED_STATUSES,
    RequesterKind,
    SarStatus,
    SubjectAccessItem,
    SubjectAccessRequest,
)
from ..notifications import notify
from ..once import already_done
from ..roles import MANAGER_ROLES, allowed
from ..services import attributed, holders
from .deadlines import MAX_EXTENSION_MONTHS, respond_by
from .holdings import SEARCH_RULE, Found, records_by_ref

# From about 12 a child is usually mature enough to make their own request (ICO).
CHILD_DECIDES_AGE = 12


def age_on(born: datetime.date | None, on: datetime.date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def people_of(school: School):
    """Everyone who holds or held a role in the school: who a request may be about."""
    return User.objects.filter(pk__in=Membership.objects.filter(school=school).values("user_id"))


def _check_dates(received_on: datetime.date) -> None:
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "The date it came can't be in the future."})


@transaction.atomic
def record_request(
    *,
    school: School,
    by: User,
    subject: User,
    requester_kind: str,
    requester_name: str,
    requester_contact: str,
    received_on: datetime.date,
    received_how: str,
    asked_for: str = "",
    parent_authority: str = "",
) -> SubjectAccessRequest:
    """A new request in the register, due one calendar month after it came."""
    _check_dates(received_on)
    if not people_of(school).filter(pk=subject.pk).exists():
        raise ValidationError({"subject": "Choose someone who is, or was, at this school."})
    if requester_kind == RequesterKind.PARENT:
        is_pupil = Membership.objects.filter(school=school, user=subject, role=Role.PUPIL)
        if not is_pupil.exists():
            raise ValidationError(
                {"subject": "A parent's request is about their child: choose a pupil."}
            )
        age = age_on(subject.date_of_birth, received_on)
        if (age is None or age >= CHILD_DECIDES_AGE) and not parent_authority.strip():
            raise ValidationError(
                {
                    "parent_authority": (
                        "The child may be old enough to decide: record whether they "
                        "agreed, or why the parent may act for them."
                    )
                }
            )
    due_on, _ = respond_by(received_on)
    sar = SubjectAccessRequest(
        school=school,
        subject=subject,
        requester_kind=requester_kind,
        requester_name=requester_name,
        requester_contact=requester_contact,
        parent_authority=parent_authority,
        received_on=received_on,
        received_how=received_how,
        asked_for=asked_for,
        handled_by=by,
        due_on=due_on,
        created_by=by,
    )
    attributed(sar, by, "Request recorded").save()
    return sar


def _locked(sar: SubjectAccessRequest) -> SubjectAccessRequest:
    return SubjectAccessRequest.objects.select_for_update().get(pk=sar.pk)


def _must_be_open(sar: SubjectAccessRequest) -> None:
    if not sar.is_open:
        raise already_done(f"This request is {sar.get_status_display().lower()} already.")


def possible_handlers(school: School) -> list[User]:
    """Who may handle a request: the school's headteachers and e-safety officers today."""
    return holders(school, *MANAGER_ROLES)


@transaction.atomic
def hand_to(*, sar: SubjectAccessRequest, by: User, to: User) -> SubjectAccessRequest:
    """Someone else handles the request from now on: its reminders go to them (see
    sweeps.py), the change is in its history (who, when, to whom), and they are told,
    unless they took it over themselves. Once: a second click finds it theirs already."""
    sar = _locked(sar)
    _must_be_open(sar)
    if sar.handled_by_id == to.pk:
        raise already_done(f"{to} handles it already.")
    # The register's own rule: only someone who may open the request may handle it.
    if not (to.is_active and allowed(to, SEARCH_RULE, sar.school)):
        raise ValidationError(
            {"handled_by": "Choose the headteacher or an e-safety officer of this school."}
        )
    sar.handled_by = to
    attributed(sar, by, f"Handed to {to}").save()
    if to.pk != by.pk:
        notify(
            to,
            title=f"Subject access request {sar.reference} is yours to handle: "
            f"respond by {sar.deadline:%-d %B %Y}",
            link=sar.get_absolute_url(),
        )
    return sar


@transaction.atomic
def record_identity_check(
    *,
    sar: SubjectAccessRequest,
    by: User,
    how: str,
    identity_received_on: datetime.date | None = None,
) -> SubjectAccessRequest:
    """Who checked the requester's identity, how, and (when proof had to be asked for)
    the day it arrived: the month then runs from that day. Once."""
    sar = _locked(sar)
    _must_be_open(sar)
    if sar.identity_checked_at is not None:
        raise already_done("Identity was checked already.")
    if identity_received_on is not None:
        if identity_received_on < sar.received_on:
            raise ValidationError(
                {"identity_received_on": "This is before the request came. Check the date."}
            )
        if identity_received_on > timezone.localdate():
            raise ValidationError({"identity_received_on": "This date is in the future."})
        if sar.extended_to is None:
            sar.due_on, _ = respond_by(identity_received_on)
    sar.identity_checked_at = timezone.now()
    sar.identity_checked_by = by
    sar.identity_check_how = how
    sar.identity_received_on = identity_received_on
    attributed(sar, by, "Identity checked").save()
    return sar


@transaction.atomic
def extend(
    *, sar: SubjectAccessRequest, by: User, months: int, reason: str
) -> SubjectAccessRequest:
    """Up to two further months for a complex request (or several from the same person),
    with the reason the requester must be told, decided within the first month. Once."""
    sar = _locked(sar)
    _must_be_open(sar)
    if sar.extended_to is not None:
        raise already_done(f"It was extended already, to {sar.extended_to:%-d %B %Y}.")
    if not 1 <= months <= MAX_EXTENSION_MONTHS:
        raise ValidationError({"months": "An extension is one or two months."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why it needs longer: the requester is told."})
    if timezone.localdate() > sar.due_on:
        raise ValidationError(
            "It is past the first month's deadline: an extension must be decided, and the "
            "requester told, within the first month."
        )
    sar.extended_to, _ = respond_by(sar.clock_starts_on, 1 + months)
    sar.extension_reason = reason
    sar.extended_at = timezone.now()
    sar.extended_by = by
    attributed(sar, by, f"Extended by {months} month{'s' if months > 1 else ''}").save()
    return sar


@transaction.atomic
def record_search(
    *,
    sar: SubjectAccessRequest,
    by: User,
    found: list[Found],
    withheld: dict[str, str],
    withheld_summary: str = "",
) -> SubjectAccessRequest:
    """What was searched, and the officer's decision on each record found: disclosed, or
    withheld with its reason (`withheld`: ref -> reason). `found` is the search the
    officer saw, run as them; a ref not in it is refused (never trusted from a form)."""
    sar = _locked(sar)
    _must_be_open(sar)
    records = records_by_ref(found)
    unknown = set(withheld) - set(records)
    if unknown:
        raise ValidationError("The search changed while you were deciding. Search again.")
    missing = sorted(records[ref].title for ref, why in withheld.items() if not why.strip())
    if missing:
        raise ValidationError(f"Say why each withheld record is withheld: {', '.join(missing)}.")
    now = timezone.now()
    existing = {item.ref: item for item in sar.items.filter(ref__in=list(records))}
    for ref, record in records.items():
        item = existing.get(ref) or SubjectAccessItem(request=sar, ref=ref)
        item.kind, item.title = record.kind[:100], record.title[:300]
        item.disclose = ref not in withheld
        item.withheld_reason = withheld.get(ref, "").strip()
        item.decided_by, item.decided_at = by, now
        attributed(item, by).save()
    sar.searched_at, sar.searched_by = now, by
    # What was searched, not how much was found: the register is read by both leads, and
    # a count would tell one of them about a record the other alone may see.
    sar.searched_summary = ", ".join(group.holding.label for group in found)
    sar.withheld_summary = withheld_summary
    attributed(sar, by, "Search recorded").save()
    return sar


@transaction.atomic
def mark_sent(
    *, sar: SubjectAccessRequest, by: User, sent_on: datetime.date, how: str
) -> SubjectAccessRequest:
    """The answer went to the requester: when and how. Once."""
    sar = _locked(sar)
    if sar.status == SarStatus.SENT:
        raise already_done(f"It was marked sent already, on {sar.sent_on:%-d %B %Y}.")
    _must_be_open(sar)
    if sent_on < sar.received_on:
        raise ValidationError({"sent_on": "This is before the request came. Check the date."})
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": "This date is in the future."})
    if sar.identity_checked_at is None:
        raise ValidationError("Record the identity check before sending anything.")
    sar.status, sar.sent_on, sar.sent_how, sar.sent_by = SarStatus.SENT, sent_on, how, by
    attributed(sar, by, "Answer sent").save()
    return sar


@transaction.atomic
def close(*, sar: SubjectAccessRequest, by: User, status: str, reason: str) -> SubjectAccessRequest:
    """Refused (manifestly unfounded or excessive: the requester must be told why and of
    their right to complain to the ICO) or withdrawn by the requester, with the reason."""
    sar = _locked(sar)
    _must_be_open(sar)
    if status not in CLOSED_STATUSES:
        raise ValidationError({"status": "Choose refused or withdrawn."})
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason."})
    sar.status, sar.closed_reason = status, reason
    sar.closed_at, sar.closed_by = timezone.now(), by
    attributed(sar, by, SarStatus(status).label).save()
    return sar
