"""Devices workflow: one function per action, each a transaction with attributed history.

Loans, confiscations and breaches live in their own modules (loans.py, pupils.py,
breaches.py); this one holds the inventory: devices, the weekly check, settings, software
and disposals.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from esafety.figures import invalidate
from esafety.services import attributed
from esafety.uploads import check_upload

from .models import (
    ANTIVIRUS_KINDS,
    IN_SERVICE,
    OS_KINDS,
    CheckRound,
    Device,
    DeviceSettings,
    Disposal,
    Encryption,
    Kind,
    Software,
    Status,
)

# Transfer notes and certificates: a PDF, or a scan or photo of the paper.
DOCUMENT_TYPES = (".pdf", ".jpg", ".jpeg", ".png")


def check_device(device: Device) -> None:
    """Rules a device record must follow, whoever saves it (form, import, admin)."""
    errors = {}
    others = Device.objects.filter(school=device.school_id, asset_tag__iexact=device.asset_tag)
    if others.exclude(pk=device.pk).exists():
        errors["asset_tag"] = "Another device in this school has this asset tag."
    if device.encryption == Encryption.FULL_DISK and not device.encryption_method.strip():
        errors["encryption_method"] = "Say how it is encrypted (e.g. BitLocker, FileVault)."
    if device.status in (Status.ON_LOAN, Status.LOST, Status.STOLEN, Status.DISPOSED) and (
        device._state.adding
    ):
        errors["status"] = "A new device is in use or in store; lend, report or dispose of it."
    today = timezone.localdate()
    for field in ("antivirus_updated_on", "os_checked_on", "scanned_on", "purchased_on"):
        value = getattr(device, field)
        if value is not None and value > today:
            errors[field] = "This date is in the future."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_device(*, device: Device, by, reason: str = "") -> Device:
    check_device(device)
    try:
        with transaction.atomic():  # two saves of one new tag at once: the database decides
            attributed(device, by, reason).save()
    except IntegrityError:
        raise ValidationError(
            {"asset_tag": "Another device in this school has this asset tag."}
        ) from None
    return device


@transaction.atomic
def record_check(*, school, by, devices, on: datetime.date | None = None, notes="") -> CheckRound:
    """The weekly check: for each ticked device, the anti-virus definitions and the
    operating-system updates were checked today, and removable storage was scanned for
    viruses. One submit for any number of devices."""
    on = on or timezone.localdate()
    ids = [d.pk if isinstance(d, Device) else int(d) for d in devices]
    if not ids:
        raise ValidationError({"devices": "Tick the devices you checked."})
    chosen = list(
        Device.objects.select_for_update()
        .filter(school=school, status__in=IN_SERVICE, pk__in=ids)
        .values_list("pk", flat=True)
    )
    if len(chosen) != len(set(ids)):
        raise ValidationError({"devices": "Some of those devices are not in service here."})
    # The same date for every ticked device: two UPDATEs and one INSERT ... SELECT of the
    # history rows, so 2,000 devices take one submit well under a second.
    ticked = Device.objects.filter(pk__in=chosen)
    ticked.filter(kind__in=ANTIVIRUS_KINDS).update(antivirus_updated_on=on)
    ticked.filter(kind__in=OS_KINDS).update(os_checked_on=on)
    ticked.filter(kind=Kind.REMOVABLE).update(scanned_on=on)
    _copy_to_history(chosen, by=by, reason="Weekly check")
    check = CheckRound.objects.create(school=school, checked_on=on, checked_by=by, notes=notes)
    check.devices.set(chosen)
    invalidate(model=Device, schools=[school])
    return check


def _copy_to_history(ids, *, by, reason: str) -> None:
    """One attributed history row per device, as it is now, written by the database in one
    statement (simple-history's bulk_history_create builds 2,000 objects in Python)."""
    history = Device.history.model
    quote = connection.ops.quote_name
    fields = [f.column for f in Device._meta.concrete_fields]
    extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    for start in range(0, len(ids), 1000):
        batch = ids[start : start + 1000]
        sql = (
            f"INSERT INTO {quote(history._meta.db_table)} "
            f"({', '.join(quote(c) for c in fields + extra)}) "
            f"SELECT {', '.join(quote(c) for c in fields)}, %s, %s, %s, %s "
            f"FROM {quote(Device._meta.db_table)} "
            f"WHERE {quote('id')} IN ({', '.join(['%s'] * len(batch))})"
        )
        when = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [when, reason, "~", by.pk if by else None, *batch])


@transaction.atomic
def update_settings(*, school, by, os_check_days: int) -> DeviceSettings:
    if not 1 <= os_check_days <= 365:
        raise ValidationError({"os_check_days": "Choose a number of days from 1 to 365."})
    settings, _ = DeviceSettings.objects.get_or_create(school=school)
    settings.os_check_days = os_check_days
    attributed(settings, by).save()
    invalidate(model=Device, schools=[school])
    return settings


@transaction.atomic
def save_software(*, software: Software, by) -> Software:
    if (
        software.review_due
        and software.dpia_done_on
        and software.review_due < software.dpia_done_on
    ):
        raise ValidationError({"review_due": "The review date can't be before the DPIA."})
    attributed(software, by).save()
    return software


@transaction.atomic
def dispose(
    *,
    school,
    by,
    devices,
    disposed_on: datetime.date,
    method: str,
    data_destruction: str,
    company: str,
    waste_transfer_note,
    certificate=None,
    authorised_by,
) -> Disposal:
    """Devices leave the school under the WEEE regulations. A device that held personal
    data can't be marked disposed without a data-destruction certificate."""
    chosen = list(
        Device.objects.select_for_update().filter(school=school, pk__in=[d.pk for d in devices])
    )
    errors = {}
    if not chosen:
        errors["devices"] = "Choose the devices disposed of."
    elif any(d.status == Status.DISPOSED for d in chosen):
        errors["devices"] = "One of these devices is already disposed of."
    elif any(d.loans.open().exists() for d in chosen):
        errors["devices"] = "One of these devices is still on loan: record its return first."
    if disposed_on > timezone.localdate():
        errors["disposed_on"] = "The disposal date can't be in the future."
    if waste_transfer_note is None:
        errors["waste_transfer_note"] = "Attach the WEEE waste transfer note."
    if certificate is None and any(d.holds_personal_data for d in chosen):
        errors["certificate"] = (
            "A device that held personal data needs a data-destruction certificate."
        )
    for field, upload in (
        ("waste_transfer_note", waste_transfer_note),
        ("certificate", certificate),
    ):
        if upload is not None and field not in errors:
            try:
                check_upload(upload, allowed=DOCUMENT_TYPES)
            except ValidationError as error:
                errors[field] = error.messages
    if errors:
        raise ValidationError(errors)
    disposal = Disposal(
        school=school,
        disposed_on=disposed_on,
        method=method,
        data_destruction=data_destruction,
        company=company,
        waste_transfer_note=waste_transfer_note,
        authorised_by=authorised_by,
        recorded_by=by,
    )
    if certificate is not None:
        disposal.certificate = certificate
    attributed(disposal, by).save()
    disposal.devices.set(chosen)
    for device in chosen:
        device.status = Status.DISPOSED
        attributed(device, by, f"Disposed of on {disposed_on:%-d %b %Y}").save()
    return disposal
