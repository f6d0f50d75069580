"""Demo devices for `manage.py seed_demo`: fictional, and only when a school has none."""

import datetime

from django.utils import timezone

from agreements import services as agreement_services
from esafety.models import ParentLink, Role, StaffType, TrusteeMembership, User
from esafety.services import add_membership, attributed, end_membership

from . import breaches, leavers, loans, pupils, services
from .loan_agreement import install_loan_agreements, loan_document
from .models import Device, Encryption, Kind, Software

TODAY = timezone.localdate


def _devices(school, prefix):
    today = TODAY()
    stale = today - datetime.timedelta(days=21)
    rows = [
        ("LAP", Kind.LAPTOP, "Dell Latitude 3540", True, Encryption.FULL_DISK, today),
        ("LAP", Kind.LAPTOP, "Dell Latitude 3540", True, Encryption.FULL_DISK, today),
        ("LAP", Kind.LAPTOP, "Lenovo ThinkPad E14", True, Encryption.PASSWORD, stale),
        ("LAP", Kind.LAPTOP, "HP ProBook 450", False, Encryption.FULL_DISK, today),
        ("DSK", Kind.DESKTOP, "Dell OptiPlex 7010", True, Encryption.FULL_DISK, stale),
        ("TAB", Kind.TABLET, "iPad (10th generation)", False, Encryption.FULL_DISK, today),
        ("PHN", Kind.PHONE, "Samsung Galaxy A15", True, Encryption.FULL_DISK, today),
        ("USB", Kind.REMOVABLE, "Kingston IronKey 16 GB", True, Encryption.FULL_DISK, None),
        ("SRV", Kind.SERVER, "Dell PowerEdge T150", True, Encryption.FULL_DISK, today),
        ("CAM", Kind.CAMERA, "Canon PowerShot", False, Encryption.NONE, None),
    ]
    made = []
    for n, (tag, kind, model, personal, encryption, checked) in enumerate(rows, start=1):
        made.append(
            Device.objects.create(
                school=school,
                asset_tag=f"{prefix}-{tag}-{n:03d}",
                kind=kind,
                make_model=model,
                serial=f"DEMO{n:05d}",
                location="ICT suite" if kind == Kind.DESKTOP else "Office store",
                holds_personal_data=personal,
                encryption=encryption,
                encryption_method="BitLocker" if encryption == Encryption.FULL_DISK else "",
                antivirus_product="Microsoft Defender"
                if kind in (Kind.LAPTOP, Kind.DESKTOP)
                else "",
                antivirus_updated_on=checked,
                os_name="Windows" if kind in (Kind.LAPTOP, Kind.DESKTOP, Kind.SERVER) else "",
                os_checked_on=checked,
                scanned_on=today - datetime.timedelta(days=3) if kind == Kind.REMOVABLE else None,
                managed=kind != Kind.CAMERA,
                pin_known=kind == Kind.PHONE,
                filtered_off_site=kind == Kind.LAPTOP,
                purchased_on=datetime.date(2024, 9, 1),
            )
        )
    return made


def _publish_loan_agreements(school, head, chair):
    install_loan_agreements(school=school, by=head)
    for for_pupil in (False, True):
        version = loan_document(school, for_pupil=for_pupil).versions.get()
        agreement_services.head_sign_off(version=version, by=head)
        agreement_services.trustees_approve(version=version, by=chair)
        agreement_services.publish(version=version, by=head)


def seed(schools):
    for slug, school in schools.items():
        if Device.objects.filter(school=school).exists():
            continue
        head = User.objects.get(email=f"head@{slug}.example")
        technician = User.objects.get(email="technician@riverside.example")
        chair = TrusteeMembership.objects.filter(trust=school.trust_id, is_chair=True).first().user
        devices = _devices(school, slug[:2].upper())
        _publish_loan_agreements(school, head, chair)
        Software.objects.create(
            school=school,
            name="Times tables practice app",
            supplier="Example Learning Ltd",
            purpose="Times tables practice at school and at home",
            used_by="pupils",
            age_range="Years 2 to 6",
            data_held="Pupil first names, class, scores",
            dpia_done_on=datetime.date(2025, 9, 10),
            approved_by=head,
            review_due=TODAY() + datetime.timedelta(days=200),
        )
        # A pupil of the demo parent borrows a laptop: waiting for the parent to sign.
        parent = User.objects.get(email=f"parent@{slug}.example")
        child = ParentLink.objects.filter(parent=parent).order_by("child_id").first().child
        loans.lend(
            device=devices[0],
            borrower=child,
            due_back=TODAY() + datetime.timedelta(days=60),
            by=technician,
            purpose="Home learning",
        )
        pupil = User.objects.filter(
            memberships__school=school, memberships__role=Role.PUPIL
        ).order_by("pk")[3]
        pupils.confiscate(
            school=school,
            pupil=pupil,
            by=User.objects.filter(
                email__startswith="teacher@", memberships__school=school
            ).first(),
            description="Silver phone, cracked screen",
            reason="Used during a lesson after a warning",
            held_where="The office safe",
        )
        services.record_check(school=school, by=technician, devices=devices[:2])
        _leaver(school, slug, devices[2], technician)
        breaches.record_breach(
            school=school,
            by=head,
            became_aware_at=timezone.now() - datetime.timedelta(hours=30),
            what_happened="A letter about a trip was emailed to the wrong parent group.",
            data_affected="Names and medical notes of 3 pupils",
            people_affected="3 pupils and their families",
            containment="The recipients were asked to delete the email; they confirmed.",
        )


def _leaver(school, slug, device, technician):
    """A fictional teacher leaving next week with a school laptop still assigned to them:
    the technician's leaver checklist (made here too, as the signal waits for the commit)."""
    leaver = User.objects.create(
        email=f"leaver@{slug}.example", full_name="Morgan Leaver", password="!"
    )
    membership = add_membership(
        user=leaver,
        school=school,
        role=Role.STAFF,
        staff_type=StaffType.TEACHER,
        started_on=datetime.date(2023, 9, 1),
    )
    device.assigned_to = leaver
    attributed(device, technician, f"Assigned to {leaver}").save()
    membership = end_membership(
        membership=membership,
        ended_on=TODAY() + datetime.timedelta(days=7),
        destination="Elmridge Primary",
    )
    leavers.open_checklist(membership=membership, destination="Elmridge Primary")
