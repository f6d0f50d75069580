"""Loans: lend, hand over once the agreement is signed, return with the exit checklist."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from esafety.models import STAFF_ROLES, Membership, ParentLink, Role
from esafety.once import already_done
from esafety.services import attributed

from .loan_agreement import ask_to_sign, loan_document, signature_for
from .models import Condition, Device, Loan, Status

LENDABLE = (Status.IN_USE, Status.IN_STORE)


def _borrower_role(school, borrower) -> str | None:
    roles = set(
        Membership.objects.active()
        .filter(school=school, user=borrower)
        .values_list("role", flat=True)
    )
    if roles & STAFF_ROLES:
        return "staff"
    if Role.PUPIL in roles:
        return "pupil"
    return None


@transaction.atomic
def lend(*, device: Device, borrower, due_back: datetime.date, by, purpose: str = "") -> Loan:
    """Lend a device: the borrower (or a parent, for a pupil) is asked to sign the loan
    agreement; the device is handed over only once it is signed."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.status not in LENDABLE or device.loans.open().exists():
        raise ValidationError(
            {"device": "This device can't be lent: it is not in use or in store."}
        )
    if due_back <= timezone.localdate():
        raise ValidationError({"due_back": "The due-back date must be after today."})
    role = _borrower_role(device.school_id, borrower)
    if role is None:
        raise ValidationError({"borrower": "Choose a member of staff or a pupil of this school."})
    for_pupil = role == "pupil"
    if for_pupil and not ParentLink.objects.filter(child=borrower, ended_on__isnull=True).exists():
        raise ValidationError(
            {"borrower": "This pupil has no parent or carer recorded to sign the agreement."}
        )
    document = loan_document(device.school, for_pupil=for_pupil)
    if document is None or document.current_version() is None:
        raise ValidationError(
            "The device loan agreement is not published yet. Ask the e-safety officer to "
            "publish it (Policies) before lending."
        )
    loan = Loan(
        school=device.school,
        device=device,
        borrower=borrower,
        for_pupil=for_pupil,
        purpose=purpose,
        due_back=due_back,
        created_by=by,
    )
    attributed(loan, by).save()
    ask_to_sign(loan)
    return loan


def _locked(loan: Loan) -> Loan:
    return Loan.objects.select_for_update().select_related("device", "school").get(pk=loan.pk)


@transaction.atomic
def hand_over(*, loan: Loan, by) -> Loan:
    """Give the device to the borrower. Refused until the agreement is signed (online, or a
    paper form recorded through the agreements pages)."""
    loan = _locked(loan)
    if loan.handed_over_at:
        raise already_done(f"{loan.device.asset_tag} was already handed over.")
    if loan.cancelled_at or loan.returned_at or loan.lost_at:
        raise ValidationError("This loan has already been closed.")
    signature = signature_for(loan)
    if signature is None:
        who = "a parent or carer" if loan.for_pupil else "the borrower"
        raise ValidationError(
            f"The loan agreement is not signed yet. It can be handed over once {who} has "
            "signed it online, or a paper form is recorded."
        )
    loan.signature = signature
    loan.handed_over_at = timezone.now()
    loan.handed_over_by = by
    attributed(loan, by).save()
    device = loan.device
    device.status = Status.ON_LOAN
    device.assigned_to = loan.borrower
    attributed(device, by, f"Lent to {loan.borrower}").save()
    return loan


@transaction.atomic
def cancel(*, loan: Loan, by) -> Loan:
    loan = _locked(loan)
    if loan.handed_over_at or loan.cancelled_at:
        raise ValidationError("Only a loan that has not been handed over can be cancelled.")
    loan.cancelled_at = timezone.now()
    attributed(loan, by).save()
    return loan


@transaction.atomic
def record_return(
    *,
    loan: Loan,
    by,
    condition: str,
    accessories_returned: bool,
    accounts_cleared: bool,
    factory_reset: bool,
    notes: str = "",
) -> Loan:
    """The return checklist (the seed's exit process): condition, accessories, PIN and IDs
    left or accounts signed out, factory reset. Who checked it and when are recorded."""
    loan = _locked(loan)
    if loan.returned_at:
        raise already_done(f"The return of {loan.device.asset_tag} is already recorded.")
    if not loan.is_out:
        raise ValidationError("Only a device that is out on loan can be returned.")
    if condition not in Condition.values:
        raise ValidationError({"condition": "Choose the condition it came back in."})
    missing = not (accessories_returned and accounts_cleared and factory_reset)
    if missing and not notes.strip():
        raise ValidationError(
            {"notes": "Something on the checklist is not done: say what and what happens next."}
        )
    loan.returned_at = timezone.now()
    loan.return_checked_by = by
    loan.condition = condition
    loan.accessories_returned = accessories_returned
    loan.accounts_cleared = accounts_cleared
    loan.factory_reset = factory_reset
    loan.return_notes = notes
    attributed(loan, by).save()
    device = loan.device
    device.status = Status.IN_STORE
    device.assigned_to = None
    attributed(device, by, f"Returned by {loan.borrower}").save()
    return loan


def leavers_q():
    """Open loans whose borrower no longer has an open-ended role at the school (a leaver:
    their role has an end date, past or coming)."""
    staying = Membership.objects.filter(
        user=OuterRef("borrower_id"), school=OuterRef("school_id"), ended_on__isnull=True
    )
    return ~Exists(staying)


def leavers_loans(school):
    return (
        Loan.objects.open()
        .filter(school=school)
        .filter(leavers_q())
        .select_related("device", "borrower")
        .order_by("due_back")
    )


def parents_of_borrowers(loans) -> dict[int, list]:
    """Each pupil borrower's current parents, in one query (for a sweep over many loans)."""
    found = {loan.borrower_id: [] for loan in loans if loan.for_pupil}
    links = ParentLink.objects.filter(child__in=list(found), ended_on__isnull=True)
    for link in links.select_related("parent"):
        found[link.child_id].append(link.parent)
    return found


def signers_for(loan: Loan, parents: dict | None = None) -> list:
    if not loan.for_pupil:
        return [loan.borrower]
    if parents is not None and loan.borrower_id in parents:
        return parents[loan.borrower_id]
    links = ParentLink.objects.filter(child=loan.borrower_id, ended_on__isnull=True)
    return [link.parent for link in links.select_related("parent")]
