"""CSV import of a device inventory, in the shape of a typical MDM or asset-register export
(Snipe-IT, Intune, Jamf): all or nothing, like the people import.

Every row is checked before anything is written; any problem (row, column, message) means
nothing is imported. Devices are matched on their asset tag in this school: a known tag
updates the device, a new one adds it. Nothing is removed because it is missing from the
file, and a column the file lacks leaves that field of a known device as it was. Every
created or changed device gets an attributed history row.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from esafety.figures import invalidate
from esafety.people_import.parsing import FileProblem, decode, read_bytes
from esafety.people_import.result import ImportIssue
from esafety.validators import validate_name, validate_readable

from .models import Device, Encryption, Kind, Ownership, Status

MAX_ROWS = 10_000
MAX_ERRORS_SHOWN = 100

# Column -> what it means; the names MDM exports use map onto these.
COLUMNS = (
    ("asset_tag", "Required", "The school's asset tag, unique in the school."),
    (
        "type",
        "Required",
        "desktop, laptop, tablet, phone, server, removable storage, camera, other.",
    ),
    ("make_model", "Optional", "Make and model, e.g. Dell Latitude 3540."),
    ("serial", "Optional", "Serial number."),
    ("location", "Optional", "Room or site."),
    ("ownership", "Optional", "school or personal (a registered staff device). Blank: school."),
    ("holds_personal_data", "Optional", "yes or no. Blank: no."),
    (
        "encryption",
        "Optional",
        "none, password (NOT encrypted), or full-disk; BitLocker, FileVault or \u201cyes\u201d "
        "also mean full-disk.",
    ),
    ("encryption_method", "With full-disk", "e.g. BitLocker."),
    ("antivirus", "Optional", "Anti-virus product."),
    ("antivirus_updated", "Optional", "Date the definitions were last updated."),
    ("os", "Optional", "Operating system."),
    ("os_version", "Optional", "Operating-system version."),
    ("os_checked", "Optional", "Date of the last update check (MDM: last check-in)."),
    ("last_scanned", "Optional", "Removable storage: date it was last scanned for viruses."),
    ("managed", "Optional", "yes or no: managed by the MDM."),
    ("pin_known", "Optional", "yes or no: the PIN is known to the network manager."),
    ("filtered_off_site", "Optional", "yes or no."),
    ("purchase_date", "Optional", "DD/MM/YYYY or YYYY-MM-DD."),
    ("status", "Optional", "in use or in store. Blank: in use."),
)
COLUMN_NAMES = tuple(name for name, _, _ in COLUMNS)
REQUIRED = ("asset_tag", "type")
ALIASES = {
    "asset": "asset_tag",
    "tag": "asset_tag",
    "device_type": "type",
    "category": "type",
    "model": "make_model",
    "make_and_model": "make_model",
    "serial_number": "serial",
    "operating_system": "os",
    "os_name": "os",
    "last_check_in": "os_checked",
    "last_update_check": "os_checked",
    "last_virus_scan": "last_scanned",
    "scanned_on": "last_scanned",
    "encrypted": "encryption",
    "anti_virus": "antivirus",
    "antivirus_product": "antivirus",
    "definitions_updated": "antivirus_updated",
    "purchased": "purchase_date",
    "purchase_date": "purchase_date",
    "mdm": "managed",
    "personal_data": "holds_personal_data",
}
KINDS = {label.lower(): value for value, label in Kind.choices} | {v: v for v in Kind.values}
KINDS |= {"removable": Kind.REMOVABLE, "usb": Kind.REMOVABLE, "mobile": Kind.PHONE}
KINDS |= {"notebook": Kind.LAPTOP, "ipad": Kind.TABLET, "chromebook": Kind.LAPTOP}
ENCRYPTION = {
    "": (Encryption.NONE, ""),
    "none": (Encryption.NONE, ""),
    "no": (Encryption.NONE, ""),
    "password": (Encryption.PASSWORD, ""),
    "password only": (Encryption.PASSWORD, ""),
    "full-disk": (Encryption.FULL_DISK, ""),
    "full disk": (Encryption.FULL_DISK, ""),
    "yes": (Encryption.FULL_DISK, ""),
    "encrypted": (Encryption.FULL_DISK, ""),
    "bitlocker": (Encryption.FULL_DISK, "BitLocker"),
    "filevault": (Encryption.FULL_DISK, "FileVault"),
}
BOOLEANS = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False}
BOOLEANS |= {"false": False, "0": False, "": False}
STATUSES = {"": Status.IN_USE, "in use": Status.IN_USE, "deployed": Status.IN_USE}
STATUSES |= {"in store": Status.IN_STORE, "ready to deploy": Status.IN_STORE}
STATUSES |= {"in_use": Status.IN_USE, "in_store": Status.IN_STORE}
OWNERSHIP = {"": Ownership.SCHOOL, "school": Ownership.SCHOOL, "school-owned": Ownership.SCHOOL}
OWNERSHIP |= {"personal": Ownership.PERSONAL, "byod": Ownership.PERSONAL}
# Which device fields each column sets. An update changes only the columns in the file, so
# an export without (say) an encryption column leaves the recorded encryption alone.
COLUMN_FIELDS = {
    "type": ("kind",),
    "make_model": ("make_model",),
    "serial": ("serial",),
    "location": ("location",),
    "ownership": ("ownership",),
    "holds_personal_data": ("holds_personal_data",),
    "encryption": ("encryption", "encryption_method"),
    "antivirus": ("antivirus_product",),
    "antivirus_updated": ("antivirus_updated_on",),
    "os": ("os_name",),
    "os_version": ("os_version",),
    "os_checked": ("os_checked_on",),
    "last_scanned": ("scanned_on",),
    "managed": ("managed",),
    "pin_known": ("pin_known",),
    "filtered_off_site": ("filtered_off_site",),
    "purchase_date": ("purchased_on",),
    "status": ("status",),
}
FIELD_LIMITS = {f.name: f.max_length for f in Device._meta.fields if f.max_length}
# ASCII digits only: \d would take Arabic-Indic digits, which the device form refuses.
_UK_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T].*)?$")


@dataclass
class InventoryImportResult:
    filename: str = ""
    dry_run: bool = False
    imported: bool = False
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    columns: list[str] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors_shown(self):
        return self.errors[:MAX_ERRORS_SHOWN]

    def error(self, row, column, message) -> None:
        self.errors.append(ImportIssue(row, column, message))


def _column_name(header: str) -> str:
    name = re.sub(r"[\s\-]+", "_", header.strip().lower())
    return ALIASES.get(name, name)


def _date(text: str):
    if match := _UK_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise ValueError
    value = datetime.date(year, month, day)
    if value > timezone.localdate():
        raise ValueError("in the future")
    if value.year < 1990:
        raise ValueError("too long ago")
    return value


def _parse_row(cells: dict, row: int, result) -> dict | None:
    """One row's fields, or None after recording its problems."""
    before = len(result.errors)
    values = {}

    def lookup(column, table, what):
        text = cells.get(column, "").strip().lower()
        if text not in table:
            result.error(row, column, f"“{cells.get(column)}” is not {what}.")
            return None
        return table[text]

    tag = cells.get("asset_tag", "").strip()
    if not tag:
        result.error(row, "asset_tag", "The asset tag is empty.")
    else:
        _check_text(result, row, "asset_tag", tag, validate_name)
    values["asset_tag"] = tag
    values["kind"] = lookup("type", KINDS, "a device type this register knows")
    values["ownership"] = lookup("ownership", OWNERSHIP, "school or personal")
    values["status"] = lookup("status", STATUSES, "in use or in store")
    encryption = lookup("encryption", ENCRYPTION, "none, password or full-disk")
    if encryption:
        values["encryption"] = encryption[0]
        method = cells.get("encryption_method", "").strip() or encryption[1]
        values["encryption_method"] = method if encryption[0] == Encryption.FULL_DISK else ""
        if encryption[0] == Encryption.FULL_DISK and not method:
            result.error(row, "encryption_method", "Say how it is encrypted (e.g. BitLocker).")
    for column, name in (
        ("holds_personal_data", "holds_personal_data"),
        ("managed", "managed"),
        ("pin_known", "pin_known"),
        ("filtered_off_site", "filtered_off_site"),
    ):
        values[name] = lookup(column, BOOLEANS, "yes or no")
    for column, name in (
        ("antivirus_updated", "antivirus_updated_on"),
        ("os_checked", "os_checked_on"),
        ("last_scanned", "scanned_on"),
        ("purchase_date", "purchased_on"),
    ):
        text = cells.get(column, "").strip()
        try:
            values[name] = _date(text) if text else None
        except ValueError as error:
            reason = f" ({error})" if str(error) else ""
            result.error(row, column, f"“{text}” is not a date (DD/MM/YYYY){reason}.")
    for column, name in (
        ("make_model", "make_model"),
        ("serial", "serial"),
        ("location", "location"),
        ("antivirus", "antivirus_product"),
        ("os", "os_name"),
        ("os_version", "os_version"),
    ):
        # A line break typed inside a cell (Alt+Enter) becomes one space, as in the
        # people import.
        values[name] = " ".join(cells.get(column, "").split())
        if values[name]:
            _check_text(result, row, column, values[name], validate_name)
    for name, limit in FIELD_LIMITS.items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > limit:
            result.error(row, name, f"Longer than {limit} characters.")
    return values if len(result.errors) == before else None


def _check_text(result, row, column, value, check) -> None:
    """The same checks as the device form's fields: no control, direction or unreadable
    characters, something visible."""
    try:
        check(value)
        validate_readable(value)
    except ValidationError as error:
        result.error(row, column, error.messages[0])


def _read(text: str, result) -> list[tuple[int, dict]]:
    try:
        return _rows(text, result)
    except csv.Error as error:
        result.error(None, "", f"The file couldn't be read as CSV ({error}).")
        return []


def _rows(text: str, result) -> list[tuple[int, dict]]:
    # newline="": line ends of any kind (Windows, old Mac CR-only) and breaks inside
    # quoted cells are the csv module's to read.
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    names = [_column_name(h) for h in header]
    result.columns = [name for name in names if name in COLUMN_FIELDS]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        result.error(None, ", ".join(missing), "This column is missing from the first row.")
        return []
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(rows) == MAX_ROWS:
            result.error(number, "", f"The file has more than {MAX_ROWS:,} devices.")
            return []
        rows.append((number, dict(zip(names, cells, strict=False))))
    if not rows:
        result.error(None, "", "The file has column names but no devices.")
    return rows


def import_inventory(*, school, uploaded_file_or_text, imported_by, dry_run=False):
    result = InventoryImportResult(
        filename=getattr(uploaded_file_or_text, "name", ""), dry_run=dry_run
    )
    try:
        text = decode(read_bytes(uploaded_file_or_text))
    except FileProblem as problem:
        result.error(None, "", str(problem))
        return result
    parsed = {}
    for number, cells in _read(text, result):
        values = _parse_row(cells, number, result)
        key = (values or {}).get("asset_tag", "").lower() or cells.get("asset_tag", "").lower()
        if key and key in parsed:
            result.error(number, "asset_tag", f"Asset tag “{key}” is also on row {parsed[key][0]}.")
        elif values is not None:
            parsed[key] = (number, values)
    result.rows_read = len(parsed)
    if result.errors or dry_run:
        _count(school, parsed, result)
        return result
    _write(school, parsed, imported_by, result)
    return result


def _existing(school, parsed) -> dict:
    devices = Device.objects.filter(school=school)
    return {d.asset_tag.lower(): d for d in devices if d.asset_tag.lower() in parsed}


def _count(school, parsed, result):
    existing = _existing(school, parsed)
    result.updated = len(existing)
    result.created = len(parsed) - result.updated


@transaction.atomic
def _write(school, parsed, by, result):
    existing = _existing(school, parsed)
    new, changed = [], []
    fields = [name for column in result.columns for name in COLUMN_FIELDS[column]]
    for key, (_, values) in parsed.items():
        device = existing.get(key)
        if device is None:
            new.append(Device(school=school, **values))
            continue
        values = {name: values[name] for name in fields}
        if device.status not in (Status.IN_USE, Status.IN_STORE):
            values.pop("status", None)  # loans, losses and disposals keep theirs
        if any(getattr(device, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(device, name, value)
            changed.append(device)
    reason = f"Imported from {result.filename or 'a CSV file'}"
    bulk_create_with_history(
        new, Device, batch_size=1000, default_user=by, default_change_reason=reason
    )
    if changed and fields:
        bulk_update_with_history(
            changed, Device, fields, batch_size=1000, default_user=by, default_change_reason=reason
        )
    invalidate(model=Device, schools=[school])
    result.created, result.updated, result.imported = len(new), len(changed), True


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMN_NAMES)
    writer.writerow(
        [
            *("LAP-001", "laptop", "Dell Latitude 3540", "5CD1234XYZ", "Staff room", "school"),
            *("yes", "full-disk", "BitLocker", "Defender", "", "Windows", "11 23H2", ""),
            *("yes", "no", "yes", "01/09/2024", "in use"),
        ]
    )
    return out.getvalue()
