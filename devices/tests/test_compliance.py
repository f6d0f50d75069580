"""A device's security status is computed from its record: each rule, in Python and SQL."""

import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from devices import compliance
from devices.compliance import non_compliant_q, problems
from devices.models import Device, Encryption, Kind, Status
from devices.tests.factories import device
from devices.tests.test_loans import run_devices_sweep
from esafety.models import Notification

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def flagged(item, days=30):
    """Both ways of judging agree, and give the reasons."""
    in_sql = Device.objects.filter(pk=item.pk).filter(non_compliant_q(TODAY, days)).exists()
    reasons = problems(item, TODAY, days)
    assert in_sql == bool(reasons), reasons
    return reasons


def test_a_well_kept_device_is_compliant(personas):
    assert flagged(device(personas.school)) == []


def test_personal_data_without_encryption_is_flagged(personas):
    item = device(personas.school, encryption=Encryption.NONE, encryption_method="")
    assert flagged(item) == [compliance.NOT_ENCRYPTED]


def test_password_only_is_not_encryption(personas):
    item = device(personas.school, encryption=Encryption.PASSWORD, encryption_method="")
    assert flagged(item) == [compliance.PASSWORD_ONLY]
    assert "NOT encrypted" in compliance.PASSWORD_ONLY
    assert item.get_encryption_display() == "Password only – NOT encrypted"


def test_no_personal_data_needs_no_encryption(personas):
    item = device(personas.school, holds_personal_data=False, encryption=Encryption.NONE)
    assert flagged(item) == []


def test_antivirus_older_than_seven_days_is_flagged(personas):
    assert flagged(device(personas.school, antivirus_updated_on=TODAY - timedelta(7))) == []
    item = device(personas.school, antivirus_updated_on=TODAY - timedelta(8))
    assert flagged(item) == [compliance.ANTIVIRUS_OLD]
    never = device(personas.school, antivirus_updated_on=None)
    assert flagged(never) == [compliance.ANTIVIRUS_MISSING]


def test_antivirus_is_only_asked_of_capable_devices(personas):
    tablet = device(personas.school, kind=Kind.TABLET, antivirus_updated_on=None)
    assert flagged(tablet) == []


def test_os_check_older_than_the_schools_setting_is_flagged(personas):
    item = device(personas.school, os_checked_on=TODAY - timedelta(31))
    assert flagged(item) == ["Operating-system update check older than 30 days"]
    assert flagged(item, days=60) == []
    usb = device(
        personas.school, kind=Kind.REMOVABLE, os_checked_on=None, antivirus_updated_on=None
    )
    assert flagged(usb) == []


def test_usb_media_never_scanned_or_not_within_30_days_is_flagged(personas):
    usb = dict(kind=Kind.REMOVABLE, holds_personal_data=False, antivirus_updated_on=None)
    assert flagged(device(personas.school, scanned_on=TODAY - timedelta(30), **usb)) == []
    old = device(personas.school, scanned_on=TODAY - timedelta(31), **usb)
    assert flagged(old) == [compliance.SCAN_OLD]
    never = device(personas.school, scanned_on=None, **usb)
    assert flagged(never) == [compliance.SCAN_MISSING]
    laptop = device(personas.school, scanned_on=None)  # scanning is asked of USB media only
    assert flagged(laptop) == []


def test_the_weekly_check_records_the_usb_scan(personas):
    from devices.services import record_check

    usb = device(personas.school, kind=Kind.REMOVABLE, scanned_on=None)
    record_check(school=personas.school, by=personas.technician, devices=[usb])
    usb.refresh_from_db()
    assert usb.scanned_on == TODAY and flagged(usb) == []


def test_devices_out_of_service_are_not_flagged(personas):
    for status in (Status.LOST, Status.STOLEN, Status.DISPOSED):
        item = device(personas.school, status=status, encryption=Encryption.NONE)
        assert flagged(item) == []


def test_every_reason_is_listed_together(personas):
    item = device(
        personas.school,
        encryption=Encryption.PASSWORD,
        antivirus_updated_on=TODAY - timedelta(30),
        os_checked_on=None,
    )
    assert flagged(item) == [
        compliance.PASSWORD_ONLY,
        compliance.ANTIVIRUS_OLD,
        compliance.OS_MISSING,
    ]


def _count(user, text):
    return Notification.objects.filter(recipient=user, title__contains=text).count()


def working_morning(after=None, hour=10):
    """10am on the first working day from `after` (the summary goes on working days)."""
    from esafety.models import School
    from esafety.workdays import is_working_day, next_working_day

    school = School.objects.order_by("pk").first()
    day = timezone.localdate(after or timezone.now())
    if not is_working_day(school, day):
        day, _ = next_working_day(school, day)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_one_daily_summary_per_school_counts_the_devices_by_reason(personas):
    device(personas.school, encryption=Encryption.NONE, encryption_method="")
    device(personas.school, encryption=Encryption.PASSWORD, encryption_method="")
    device(personas.school, antivirus_updated_on=TODAY - timedelta(20))
    device(personas.school, asset_tag="CAM-1", kind=Kind.CAMERA, holds_personal_data=False)
    now = working_morning()
    run_devices_sweep(now)
    run_devices_sweep(now + timedelta(hours=1))
    titles = list(
        Notification.objects.filter(recipient=personas.technician).values_list("title", flat=True)
    )
    assert titles == [
        f"{personas.school}: 3 devices need attention: 2 not encrypted, 1 anti-virus out of date"
    ]
    # The next working day, one more summary; the headteacher hears nothing yet.
    run_devices_sweep(working_morning(now + timedelta(days=1)))
    assert _count(personas.technician, "devices need attention") == 2
    assert _count(personas.headteacher, "still not compliant") == 0


def test_no_summary_before_7am_or_on_a_weekend(personas):
    device(personas.school, encryption=Encryption.NONE, encryption_method="")
    run_devices_sweep(working_morning(hour=6))
    saturday = working_morning()
    saturday += timedelta(days=(5 - saturday.weekday()) % 7)
    run_devices_sweep(saturday)
    assert _count(personas.technician, "need attention") == 0


def test_still_non_compliant_a_week_later_goes_to_the_head_once(personas):
    device(personas.school, encryption=Encryption.NONE, encryption_method="")
    now = working_morning()
    run_devices_sweep(now)
    later = working_morning(now + timedelta(days=8))
    run_devices_sweep(later)
    run_devices_sweep(later + timedelta(hours=1))
    assert _count(personas.headteacher, "1 device(s) are still not compliant") == 1


def test_a_device_put_right_within_the_week_does_not_go_to_the_head(personas):
    laptop = device(personas.school, encryption=Encryption.NONE, encryption_method="")
    now = working_morning()
    run_devices_sweep(now)
    laptop.encryption, laptop.encryption_method = Encryption.FULL_DISK, "BitLocker"
    laptop.antivirus_updated_on = laptop.os_checked_on = TODAY + timedelta(days=8)
    laptop.save()
    run_devices_sweep(working_morning(now + timedelta(days=8)))
    assert _count(personas.headteacher, "still not compliant") == 0


def test_the_sweep_reads_and_writes_in_bulk_whatever_the_numbers(personas):
    """The devices sweep's query count is the same for 4 and for 24 overdue loans (to
    pupils and staff) and non-compliant devices: no query per device, loan or reminder."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from devices.models import ComplianceReminder, Loan
    from esafety.models import ParentLink, SweepAction

    ParentLink.objects.get_or_create(parent=personas.parent, child=personas.pupil)
    now = working_morning()

    def add(n):
        for index in range(2 * n):  # half to a pupil (their parent is reminded), half staff
            Loan.objects.create(
                school=personas.school,
                device=device(personas.school, encryption=Encryption.NONE, encryption_method=""),
                borrower=personas.pupil if index % 2 else personas.teacher,
                for_pupil=bool(index % 2),
                due_back=TODAY - timedelta(days=10),
                created_by=personas.technician,
                handed_over_at=timezone.now() - timedelta(days=40),
            )

    def queries():
        SweepAction.objects.all().delete()
        ComplianceReminder.objects.all().delete()
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            run_devices_sweep(now)
        return len(captured)

    add(2)
    few = queries()
    assert _count(personas.parent, "Please return") == 2
    add(10)
    many = queries()
    assert _count(personas.parent, "Please return") == 12
    assert _count(personas.teacher, "Please return") == 12
    assert _count(personas.technician, "24 devices need attention: 24 not encrypted") == 1
    assert many == few
