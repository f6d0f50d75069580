"""A device's security status, computed from its record and never typed in.

A device in service is non-compliant when
- it holds personal data and is not encrypted ("encryption does not mean password
  protected": password-only counts as not encrypted);
- it runs anti-virus (desktops, laptops, servers) and the definitions are older than
  7 days, or were never recorded (the seed: updated at least weekly);
- it gets operating-system updates and the last update check is older than the school's
  setting (30 days unless changed), or was never recorded;
- it is removable storage (USB sticks and drives) and was never scanned for viruses, or
  not within 30 days (the seed: "USB media scanned").

The same rules are written twice on purpose, once for one device in hand (`problems`)
and once in SQL for lists (`non_compliant_q`); a test holds them together.
"""

import datetime
from datetime import timedelta

from django.db.models import Q

from .models import ANTIVIRUS_KINDS, IN_SERVICE, OS_KINDS, Encryption, Kind

ANTIVIRUS_MAX_AGE = timedelta(days=7)
SCAN_MAX_AGE = timedelta(days=30)
DEFAULT_OS_CHECK_DAYS = 30

NOT_ENCRYPTED = "Holds personal data but is not encrypted"
PASSWORD_ONLY = "Holds personal data and has a password only: NOT encrypted"
ANTIVIRUS_OLD = "Anti-virus definitions older than 7 days"
ANTIVIRUS_MISSING = "Anti-virus definitions never recorded"
OS_OLD = "Operating-system update check older than {days} days"
OS_MISSING = "Operating-system update check never recorded"
SCAN_OLD = "Removable storage not scanned for viruses in the last 30 days"
SCAN_MISSING = "Removable storage never scanned for viruses"


def problems(device, today: datetime.date, os_check_days: int) -> list[str]:
    """Why this device is non-compliant (empty when it is fine or out of service)."""
    if device.status not in IN_SERVICE:
        return []
    found = []
    if device.holds_personal_data and device.encryption != Encryption.FULL_DISK:
        found.append(PASSWORD_ONLY if device.encryption == Encryption.PASSWORD else NOT_ENCRYPTED)
    if device.kind in ANTIVIRUS_KINDS:
        if device.antivirus_updated_on is None:
            found.append(ANTIVIRUS_MISSING)
        elif device.antivirus_updated_on < today - ANTIVIRUS_MAX_AGE:
            found.append(ANTIVIRUS_OLD)
    if device.kind in OS_KINDS:
        if device.os_checked_on is None:
            found.append(OS_MISSING)
        elif device.os_checked_on < today - timedelta(days=os_check_days):
            found.append(OS_OLD.format(days=os_check_days))
    if device.kind == Kind.REMOVABLE:
        if device.scanned_on is None:
            found.append(SCAN_MISSING)
        elif device.scanned_on < today - SCAN_MAX_AGE:
            found.append(SCAN_OLD)
    return found


# The reasons grouped as a technician's summary counts them ("8 anti-virus out of date").
NOT_ENCRYPTED_GROUP = "not encrypted"
ANTIVIRUS_GROUP = "anti-virus out of date"
OS_GROUP = "operating-system check overdue"
SCAN_GROUP = "removable storage not scanned"


def reason_groups_q(today: datetime.date, os_check_days: int) -> dict[str, Q]:
    """Each group of reasons as a filter (devices in service only), in `problems`' order."""
    in_service = Q(status__in=IN_SERVICE)
    unencrypted = Q(holds_personal_data=True) & ~Q(encryption=Encryption.FULL_DISK)
    antivirus = Q(kind__in=ANTIVIRUS_KINDS) & (
        Q(antivirus_updated_on__isnull=True) | Q(antivirus_updated_on__lt=today - ANTIVIRUS_MAX_AGE)
    )
    os_old = Q(kind__in=OS_KINDS) & (
        Q(os_checked_on__isnull=True) | Q(os_checked_on__lt=today - timedelta(days=os_check_days))
    )
    unscanned = Q(kind=Kind.REMOVABLE) & (
        Q(scanned_on__isnull=True) | Q(scanned_on__lt=today - SCAN_MAX_AGE)
    )
    return {
        NOT_ENCRYPTED_GROUP: in_service & unencrypted,
        ANTIVIRUS_GROUP: in_service & antivirus,
        OS_GROUP: in_service & os_old,
        SCAN_GROUP: in_service & unscanned,
    }


def non_compliant_q(today: datetime.date, os_check_days: int) -> Q:
    """The same rules as `problems`, as a filter for one school's devices."""
    groups = list(reason_groups_q(today, os_check_days).values())
    found = groups[0]
    for group in groups[1:]:
        found |= group
    return found


def os_check_days_for(school) -> int:
    """The school's setting, or the default when it has never been changed."""
    from .models import DeviceSettings

    try:
        return school.device_settings.os_check_days
    except DeviceSettings.DoesNotExist:
        return DEFAULT_OS_CHECK_DAYS
