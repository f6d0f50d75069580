"""What a leaver hands back to IT support: devices on loan (returned through the loan's
own return checklist, with "PIN and IDs left" and "factory reset" ticked), devices
assigned to them, and a line saying their training records and signatures are kept."""

from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from esafety.leaver_checklist import KEPT, RETURN, LeaverItem, register_leaver_item

from .models import Device, Loan, Status

RETURNED_LOOK_BACK = timedelta(days=90)  # returns this recent show as ticked items


def _loan_item(loan: Loan) -> LeaverItem:
    device = f"{loan.device.asset_tag} ({loan.device.get_kind_display().lower()})"
    if loan.returned_at is None and loan.handed_over_at is None:
        return LeaverItem(
            what=f"{device}: lent but not handed over yet; cancel the loan",
            kind=RETURN,
            link=loan.get_absolute_url(),
        )
    if loan.returned_at is None:
        return LeaverItem(
            what=f"{device}: on loan, due back {loan.due_back:%-d %B %Y}",
            kind=RETURN,
            link=reverse("loan-return", args=[loan.pk]),
            note="Record the return with the PIN / passcode removed and a factory reset.",
        )
    missing = [
        label
        for done, label in (
            (loan.accounts_cleared, "PIN / passcode removed"),
            (loan.factory_reset, "factory reset"),
        )
        if not done
    ]
    return LeaverItem(
        what=f"{device}: returned {timezone.localtime(loan.returned_at):%-d %B %Y}",
        kind=RETURN,
        link=loan.get_absolute_url(),
        done=True,
        # The return form asked why; the checklist shows it was not all done.
        note=f"Not ticked at the return: {', '.join(missing)} (see the loan's notes)."
        if missing
        else "PIN / passcode removed and factory reset.",
    )


def loans_to_return(person, school) -> list[LeaverItem]:
    since = timezone.now() - RETURNED_LOOK_BACK
    loans = (
        Loan.objects.filter(school=school, borrower=person, cancelled_at__isnull=True)
        .filter(lost_at__isnull=True)
        .filter(Q(returned_at__isnull=True) | Q(returned_at__gte=since))
        .select_related("device")
        .order_by("created_at", "pk")
    )
    return [_loan_item(loan) for loan in loans]


def devices_assigned(person, school) -> list[LeaverItem]:
    """School devices given to them outside a loan (a staff laptop, a phone)."""
    devices = Device.objects.filter(
        school=school, assigned_to=person, status__in=(Status.IN_USE, Status.IN_STORE)
    ).order_by("asset_tag")
    return [
        LeaverItem(
            what=f"{device.asset_tag} ({device.get_kind_display().lower()}): assigned to them",
            kind=RETURN,
            link=reverse("device-edit", args=[device.pk]),
            note="When it is back: PIN removed, factory reset, then no longer assigned.",
        )
        for device in devices
    ]


def records_kept(person, school) -> list[LeaverItem]:
    return [
        LeaverItem(
            what="Training records and signed agreements",
            kind=KEPT,
            done=True,
            note="Kept under the school's retention schedule: nothing to do.",
        )
    ]


register_leaver_item("devices.loans", loans_to_return, label="Devices on loan", order=10)
register_leaver_item("devices.assigned", devices_assigned, label="Devices assigned", order=11)
register_leaver_item("devices.kept", records_kept, label="Records kept", order=90)
