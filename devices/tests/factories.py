"""Devices test data, made through the real services where the rules matter."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from agreements import services as agreement_services
from devices import loans
from devices.breaches import record_breach
from devices.loan_agreement import install_loan_agreements, loan_document
from devices.models import Confiscation, Device, Disposal, Encryption, Kind, Search

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_file(name="certificate.pdf"):
    return ContentFile(PDF, name=name)


def device(school, **fields) -> Device:
    today = timezone.localdate()
    values = {
        "asset_tag": f"LAP-{Device.objects.count() + 1:04d}",
        "kind": Kind.LAPTOP,
        "make_model": "Dell Latitude 3540",
        "holds_personal_data": True,
        "encryption": Encryption.FULL_DISK,
        "encryption_method": "BitLocker",
        "antivirus_product": "Defender",
        "antivirus_updated_on": today,
        "os_name": "Windows",
        "os_version": "11",
        "os_checked_on": today,
        "scanned_on": today,
        **fields,
    }
    return Device.objects.create(school=school, **values)


def publish_loan_agreements(personas):
    """Both loan agreements written, signed off, approved and published."""
    school = personas.school
    install_loan_agreements(school=school, by=personas.esafety_officer)
    for for_pupil in (False, True):
        document = loan_document(school, for_pupil=for_pupil)
        version = document.versions.get()
        agreement_services.head_sign_off(version=version, by=personas.headteacher)
        agreement_services.trustees_approve(version=version, by=personas.chair)
        agreement_services.publish(version=version, by=personas.headteacher)


def lend(personas, borrower=None, *, sign=False, hand_over=False, **device_fields):
    if loan_document(personas.school, for_pupil=True) is None:
        publish_loan_agreements(personas)
    borrower = borrower or personas.pupil
    loan = loans.lend(
        device=device(personas.school, **device_fields),
        borrower=borrower,
        due_back=timezone.localdate() + datetime.timedelta(days=30),
        by=personas.technician,
    )
    if sign or hand_over:
        sign_loan(personas, loan)
    if hand_over:
        loan = loans.hand_over(loan=loan, by=personas.technician)
    return loan


def sign_loan(personas, loan):
    document = loan_document(loan.school, for_pupil=loan.for_pupil)
    signer = personas.parent if loan.for_pupil else loan.borrower
    return agreement_services.sign(
        version=document.current_version(),
        signer=signer,
        subject=loan.borrower,
        typed_name=signer.full_name,
    )


def confiscation(personas, **fields) -> Confiscation:
    values = {
        "school": personas.school,
        "pupil": personas.pupil,
        "description": "Black phone in a blue case",
        "reason": "Used in a lesson",
        "confiscated_by": personas.teacher,
        **fields,
    }
    return Confiscation.objects.create(**values)


def search(personas, **fields) -> Search:
    values = {
        "school": personas.school,
        "pupil": personas.pupil,
        "searched_by": personas.teacher,
        "reason": "Reported to have a vape",
        "looked_for": "A vape",
        **fields,
    }
    return Search.objects.create(**values)


def breach(personas, **fields):
    values = {
        "became_aware_at": timezone.now(),
        "what_happened": "An email with a class list went to the wrong parent.",
        "data_affected": "Names and dates of birth of 28 pupils",
        "people_affected": "28 pupils in 5B",
        **fields,
    }
    return record_breach(school=personas.school, by=personas.esafety_officer, **values)


def disposal(personas) -> Disposal:
    item = Disposal.objects.create(
        school=personas.school,
        disposed_on=timezone.localdate(),
        method="recycle",
        data_destruction="Wiped",
        company="Green WEEE Ltd",
        waste_transfer_note=pdf_file("note.pdf"),
        certificate=pdf_file(),
        authorised_by=personas.headteacher,
        recorded_by=personas.technician,
    )
    item.devices.set([device(personas.school, status="disposed")])
    return item
