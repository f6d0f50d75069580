"""Personal-data breaches (UK GDPR) and lost or stolen devices.

The headteacher (the seed's Senior Information Risk Officer) is told at once and decides,
within 72 hours of the school becoming aware, whether the ICO is told; a "no" needs its
reason recorded, and a decision after 72 hours needs the reason it was late.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from esafety.models import Role, School
from esafety.notifications import notify
from esafety.once import already_done
from esafety.services import attributed, holders

from .models import Breach, DeviceLoss, Encryption, IcoDecision, LossKind, PeopleTold, Risk, Status
from .models_breaches import ico_deadline_for

# UK GDPR article 33: a breach likely to result in a risk to people is reported to the ICO.
MUST_REPORT = (Risk.RISK, Risk.HIGH)
MUST_REPORT_MESSAGE = (
    "The likely risk is recorded as a risk to people: a breach like this must be reported to "
    "the ICO (UK GDPR article 33). Change the risk assessment first if it was wrong."
)


def _not_future(value, field):
    if value is None:
        return
    if isinstance(value, datetime.datetime):
        late = value > timezone.now() + datetime.timedelta(minutes=5)
    else:
        late = value > timezone.localdate()
    if late:
        raise ValidationError({field: "This can't be in the future."})


def tell_headteachers(breach: Breach) -> None:
    for head in holders(breach.school, Role.HEADTEACHER):
        notify(
            head,
            title=f"A personal-data breach needs your ICO decision by {breach.ico_deadline_text}",
            link=breach.get_absolute_url(),
        )


def next_number(school) -> int:
    """The school's next breach number. The school's row is locked while it is taken, so two
    breaches recorded at once get 1 and 2 (the unique constraint is the backstop)."""
    School.objects.select_for_update().filter(pk=school.pk).first()
    last = Breach.objects.filter(school=school).aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


@transaction.atomic
def record_breach(
    *,
    school,
    by,
    became_aware_at,
    what_happened: str,
    data_affected: str,
    people_affected: str,
    likely_risk: str = "",
    containment: str = "",
    incident=None,
    loss=None,
) -> Breach:
    _not_future(became_aware_at, "became_aware_at")
    if incident is not None and incident.school_id != school.pk:
        raise ValidationError("That incident belongs to another school.")
    breach = Breach(
        school=school,
        number=next_number(school),
        became_aware_at=became_aware_at,
        ico_deadline=ico_deadline_for(became_aware_at),
        what_happened=what_happened,
        data_affected=data_affected,
        people_affected=people_affected,
        likely_risk=likely_risk,
        containment=containment,
        incident=incident,
        loss=loss,
        recorded_by=by,
    )
    attributed(breach, by).save()
    tell_headteachers(breach)
    return breach


UPDATABLE = ("what_happened", "data_affected", "people_affected", "likely_risk", "containment")


@transaction.atomic
def update_breach(*, breach: Breach, by, **changes) -> Breach:
    """A breach recorded as not reported can't be re-assessed as a risk to people and left
    that way: the record would say a reportable breach was never reported."""
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    for name, value in changes.items():
        if name not in UPDATABLE and name != "lessons":
            raise ValidationError(f"{name} can't be changed here.")
        setattr(breach, name, value)
    if breach.ico_decision == IcoDecision.NOT_REPORTED and breach.likely_risk in MUST_REPORT:
        raise ValidationError(
            {
                "likely_risk": "This breach is recorded as not reported to the ICO, which the law "
                "allows only when it is unlikely to be a risk to people (UK GDPR article 33). "
                "Keep the risk as it was, or tell the headteacher that it must be reported."
            }
        )
    attributed(breach, by).save()
    return breach


@transaction.atomic
def decide_ico(
    *,
    breach: Breach,
    by,
    decision: str,
    reported_at: datetime.datetime | None = None,
    reference: str = "",
    reason: str = "",
    late_reason: str = "",
) -> Breach:
    """The headteacher's decision, once. Yes needs the date and the ICO's reference; no
    needs the reason (UK GDPR: record why a breach was not reportable); after 72 hours the
    record asks why it was late."""
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    if breach.is_decided:
        raise already_done("The ICO decision has already been recorded.")
    now = timezone.now()
    errors = {}
    if decision == IcoDecision.REPORT:
        if reported_at is None:
            errors["reported_at"] = "Give the date and time it was reported to the ICO."
        elif reported_at < breach.became_aware_at:
            errors["reported_at"] = "This is before the school became aware of the breach."
        elif reported_at > now + datetime.timedelta(minutes=5):
            errors["reported_at"] = "This can't be in the future."
        if not reference.strip():
            errors["reference"] = "Give the ICO's reference."
    elif decision == IcoDecision.NOT_REPORTED:
        if not reason.strip():
            errors["reason"] = "Record why the breach is not being reported."
        if breach.likely_risk in MUST_REPORT:
            errors["decision"] = MUST_REPORT_MESSAGE
    else:
        errors["decision"] = "Choose whether the breach was reported to the ICO."
    if now > breach.ico_deadline and not late_reason.strip():
        errors["late_reason"] = "More than 72 hours have passed: say why the decision was late."
    if errors:
        raise ValidationError(errors)
    breach.ico_decision = decision
    breach.ico_reported_at = reported_at if decision == IcoDecision.REPORT else None
    breach.ico_reference = reference.strip() if decision == IcoDecision.REPORT else ""
    breach.not_reported_reason = reason.strip() if decision == IcoDecision.NOT_REPORTED else ""
    breach.late_reason = late_reason.strip()
    breach.decided_at = now
    breach.decided_by = by
    attributed(breach, by).save()
    return breach


@transaction.atomic
def record_people_told(
    *, breach: Breach, by, told: str, told_on: datetime.date | None = None, reason: str = ""
) -> Breach:
    """UK GDPR article 34: tell the people affected when the risk to them is high."""
    if told == PeopleTold.YES and told_on is None:
        raise ValidationError({"told_on": "Give the date they were told."})
    if told == PeopleTold.NO and not reason.strip():
        raise ValidationError({"reason": "Record why they were not told."})
    if told not in (PeopleTold.YES, PeopleTold.NO):
        raise ValidationError({"told": "Choose yes or no."})
    _not_future(told_on, "told_on")
    breach.people_told = told
    breach.people_told_on = told_on if told == PeopleTold.YES else None
    breach.people_not_told_reason = reason.strip() if told == PeopleTold.NO else ""
    attributed(breach, by).save()
    return breach


@transaction.atomic
def report_loss(
    *,
    device,
    by,
    kind: str,
    happened_at,
    where: str,
    held_personal_data: bool,
    personal_data: str = "",
    was_encrypted: bool,
    police_reference: str = "",
) -> DeviceLoss:
    """A device is lost or stolen. If it held personal data, a breach record is opened at
    once and the headteacher is told."""
    from .models import Device

    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.status not in (Status.IN_USE, Status.IN_STORE, Status.ON_LOAN):
        raise ValidationError("This device is already recorded as lost, stolen or disposed of.")
    _not_future(happened_at, "happened_at")
    if held_personal_data and not personal_data.strip():
        raise ValidationError({"personal_data": "Say what personal data it held."})
    loss = DeviceLoss(
        device=device,
        kind=kind,
        happened_at=happened_at,
        where=where,
        held_personal_data=held_personal_data,
        personal_data=personal_data,
        was_encrypted=was_encrypted,
        police_reference=police_reference,
        reported_by=by,
    )
    attributed(loss, by).save()
    _end_loans(device, by, kind)
    device.status = Status.STOLEN if kind == LossKind.STOLEN else Status.LOST
    attributed(device, by, f"Reported {device.get_status_display().lower()}").save()
    if not held_personal_data:
        # The seed: a lost or stolen device is reported to the headteacher at once.
        what = f"{device} was reported {loss.get_kind_display().lower()} (no personal data)"
        for head in holders(device.school, Role.HEADTEACHER):
            notify(head, title=what, link=device.get_absolute_url())
    else:
        encrypted = "encrypted" if was_encrypted else "NOT encrypted"
        record_breach(
            school=device.school,
            by=by,
            became_aware_at=timezone.now(),
            what_happened=(
                f"{device} was {loss.get_kind_display().lower()} ({where}, "
                f"{timezone.localtime(happened_at):%-d %b %Y %H:%M}). It was {encrypted}."
            ),
            data_affected=personal_data,
            people_affected="To be worked out from the data the device held.",
            likely_risk=Risk.UNLIKELY if was_encrypted else "",
            loss=loss,
        )
    return loss


def _end_loans(device, by, kind) -> None:
    """A loan of a lost device ends there: no one is asked to return it or sign for it."""
    from .models import Loan

    now = timezone.now()
    for loan in Loan.objects.open().filter(device=device).select_for_update():
        if loan.handed_over_at:
            loan.lost_at = now
        else:
            loan.cancelled_at = now
        attributed(loan, by, f"Device reported {kind}").save()


def encrypted_now(device) -> bool:
    return device.encryption == Encryption.FULL_DISK
