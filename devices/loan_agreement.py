"""Loan agreements are ordinary documents of the agreements app, signed through its flow.

Each school has two: one a member of staff signs for themselves, one a parent signs for
their child (home learning). They are versioned and approved like every other document;
who must sign them is "whoever holds a device on loan now", which this module adds to the
agreements audience, so a new version asks only current borrowers.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from agreements import services as agreement_services
from agreements.audience import audience_source
from agreements.counting import still_counts_q
from agreements.models import Document, Kind, Signature
from esafety.models import Membership, ParentLink, Role
from esafety.notifications import notify
from esafety.services import attributed, holders

from .models import DeviceSettings, Loan

STAFF_TITLE = "Device loan agreement (staff)"
PUPIL_TITLE = "Device loan agreement (home learning)"

STAFF_TEXT = """\
# Device loan agreement (staff)

The school lends me the device named on my loan record for my work.

- I will keep it safe, never leave it unattended in a car or a public place, and keep it
  locked with a PIN or password when I am not using it.
- It is encrypted; I will not turn the encryption, anti-virus or updates off.
- Personal data on it stays on it or in the school's systems: never on USB sticks that
  are not encrypted or in personal accounts.
- It stays filtered off site. Family members may not use it.
- If it is lost or stolen I will tell the headteacher at once, the same day.
- I will give it back by the date on the loan record, or when I leave, with my PIN and IDs
  left or my accounts signed out, so that it can be factory reset.
"""

PUPIL_TEXT = """\
# Device loan agreement (home learning)

The school lends my child the device named on the loan record for their school work.

- The device is filtered and monitored, at school and at home. Please do not try to get
  round the filtering or remove the school's settings.
- Only my child uses it, for learning. Please keep it somewhere safe and charged.
- If anything online worries my child, they tell me or their teacher.
- If it is lost, stolen or damaged I will tell the school at once.
- I will give it back by the date on the loan record, or when my child leaves the school.
"""


def settings_for(school) -> DeviceSettings:
    found, _ = DeviceSettings.objects.get_or_create(school=school)
    return found


def loan_document(school, *, for_pupil: bool) -> Document | None:
    found = DeviceSettings.objects.filter(school=school).select_related(
        "staff_loan_document", "pupil_loan_document"
    )
    settings = found.first()
    if settings is None:
        return None
    return settings.pupil_loan_document if for_pupil else settings.staff_loan_document


@transaction.atomic
def install_loan_agreements(*, school, by) -> list[Document]:
    """Create the school's two loan agreements as drafts of the starter text (none on a
    second run). The school edits, signs off, approves and publishes them as usual."""
    settings = DeviceSettings.objects.select_for_update().get(pk=settings_for(school).pk)
    created = []
    for field, title, text, for_pupil in (
        ("staff_loan_document", STAFF_TITLE, STAFF_TEXT, False),
        ("pupil_loan_document", PUPIL_TITLE, PUPIL_TEXT, True),
    ):
        if getattr(settings, field) is not None:
            continue
        document = Document(
            school=school,
            kind=Kind.OTHER,
            title=title,
            audience_roles=[],
            parents_sign_for_each_child=for_pupil,
            sign_on_induction=True,
        )
        attributed(document, by).save()
        agreement_services.new_version(
            document=document, by=by, text=text, change_summary="Starter text."
        )
        setattr(settings, field, document)
        created.append(document)
    if created:
        attributed(settings, by).save()
    return created


@audience_source
def current_borrowers(document, on: datetime.date) -> set[tuple[int, int]]:
    """Who must sign a loan agreement: each current borrower (staff), or each parent of a
    pupil who holds a device (home learning). Nobody else, ever."""
    if document.kind != Kind.OTHER:
        return set()
    settings = DeviceSettings.objects.filter(
        Q(staff_loan_document=document) | Q(pupil_loan_document=document)
    ).first()
    if settings is None:
        return set()
    for_pupil = settings.pupil_loan_document_id == document.pk
    borrowers = Loan.objects.open().filter(school=document.school_id, for_pupil=for_pupil)
    if not for_pupil:
        return {(b, b) for b in borrowers.values_list("borrower_id", flat=True)}
    parents = Membership.objects.active(on).filter(school=document.school_id, role=Role.PARENT)
    links = ParentLink.objects.filter(
        ended_on__isnull=True,
        child__in=borrowers.values("borrower_id"),
        parent__in=parents.values("user_id"),
    )
    return set(links.values_list("parent_id", "child_id"))


def ask_to_sign(loan) -> int:
    """Give the signer a "to sign" item now (the agreements sweep would, later)."""
    document = loan_document(loan.school, for_pupil=loan.for_pupil)
    return agreement_services.sync_requests(document=document) if document else 0


def signature_for(loan, on=None) -> Signature | None:
    """The signature that covers this loan: the current version, for the borrower."""
    document = loan_document(loan.school, for_pupil=loan.for_pupil)
    version = document.current_version() if document else None
    if version is None:
        return None
    return (
        Signature.objects.filter(
            still_counts_q(document, version, on or timezone.localdate()),
            subject=loan.borrower_id,
            is_withdrawal=False,
        )
        .order_by("-signed_at", "-pk")
        .first()
    )


@receiver(post_save, sender=Signature, dispatch_uid="devices.loan_agreement_signed")
def _signature_saved(sender, instance, created, raw=False, **kwargs):
    """Every signature the agreements app records (online, or a paper form) is saved once;
    one of a loan agreement tells the technician the device can be handed over."""
    if created and not raw and not instance.is_withdrawal:
        tell_technicians_signed(instance)


def tell_technicians_signed(signature: Signature) -> list[Loan]:
    """The loans waiting for this signature are marked signed and the school's technicians
    (or, with none, whoever lent it) told, once per loan: the row is locked and a loan
    already marked is left alone. The notification names the device, nothing more."""
    document_id = signature.version.document_id
    settings = DeviceSettings.objects.filter(
        Q(staff_loan_document_id=document_id) | Q(pupil_loan_document_id=document_id)
    ).first()
    if settings is None:
        return []
    waiting = (
        Loan.objects.open()
        .filter(
            school=settings.school_id,
            borrower=signature.subject_id,
            for_pupil=settings.pupil_loan_document_id == document_id,
            handed_over_at__isnull=True,
            signed_at__isnull=True,
        )
        .select_for_update()
        .select_related("device", "school", "created_by")
    )
    told = []
    for loan in waiting:
        loan.signed_at = signature.signed_at or timezone.now()
        attributed(loan, signature.signer, "Loan agreement signed").save()
        for person in holders(loan.school, Role.TECHNICIAN) or [loan.created_by]:
            notify(
                person,
                title=f"The loan agreement for {loan.device.asset_tag} is signed: it can be "
                "handed over",
                link=loan.get_absolute_url(),
            )
        told.append(loan)
    return told
