"""CSV import of pupils, staff and parents from an MIS export (SIMS or Arbor style).

`import_people()` reads the whole file and checks every row before anything is written.
If any row has a problem it returns every problem (row, column, message) and writes
nothing. Otherwise it creates and updates people in one transaction with a handful of
bulk queries; every created or changed record gets a history row attributed to the
person who imported the file.

Matching, so that importing the same file again updates rather than duplicates:

1. a membership of this school with the row's role and the same MIS reference
   (`Membership.external_id`, compared case-insensitively);
2. otherwise a person with the row's email address (case-insensitive), who then gets a
   new role here (a staff member who is also a parent) - or, if they already hold that
   role here with no MIS reference, that role is adopted;
3. otherwise, for a pupil with a date of birth, the one pupil at this school with the
   same name and date of birth and no MIS reference (someone added by hand earlier);
4. otherwise a new person.

Nothing is ever ended or deleted because it is missing from the file, and parent links
that the school has ended are not restored. The sign-in email of an account already in
use (a password set, or a role in another school or trust) is not changed: whoever holds
the new address could reset the password. Names and dates of birth of accounts with no
role at this school yet are left as they are.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .models import Membership, ParentLink, Role, School, StaffType, TrusteeMembership, User
from .roles import forget_access

PUPIL, STAFF, PARENT = "pupil", "staff", "parent"
RECORD_TYPES = (PUPIL, STAFF, PARENT)
RECORD_TYPE_LABELS = {PUPIL: "Pupils", STAFF: "Staff", PARENT: "Parents and carers"}

# The template's columns, in order, with the plain-English guide shown on the page.
COLUMNS = (
    ("record_type", "Everyone", "pupil, staff or parent."),
    (
        "mis_id",
        "Everyone",
        "The reference from your MIS: the UPN for pupils, the staff code for staff, "
        "the contact ID for parents and carers. Used to recognise people next time.",
    ),
    ("first_name", "Everyone", "First name."),
    ("last_name", "Everyone", "Last name."),
    (
        "email",
        "Staff and parents (pupils optional)",
        "Their email address. They use it to sign in once invited.",
    ),
    (
        "date_of_birth",
        "Pupils (optional)",
        "DD/MM/YYYY, as Excel writes it, or YYYY-MM-DD.",
    ),
    (
        "year_group",
        "Pupils",
        "R or Reception, or a number from 1 to 13 (\u201cYear 5\u201d works too).",
    ),
    ("class_name", "Optional", "Class or form, for example 5B."),
    (
        "staff_type",
        "Staff",
        "Teacher, teaching assistant, office, volunteer or contractor.",
    ),
    (
        "role",
        "Staff (optional)",
        "Leave blank for ordinary staff, or write headteacher, e-safety officer or technician.",
    ),
    (
        "child_mis_ids",
        "Parents",
        "The UPNs of their children, separated by ; or |. Each child must be a pupil "
        "in the file or already at the school.",
    ),
    ("relationship", "Parents (optional)", "For example mother, father, carer."),
    ("start_date", "Optional", "When they started, DD/MM/YYYY. Blank means today."),
)
COLUMN_NAMES = tuple(name for name, _, _ in COLUMNS)
ALWAYS_REQUIRED = ("record_type", "mis_id", "first_name", "last_name")
# Columns a record type can't do without; checked only when the file has such rows.
REQUIRED_FOR_TYPE = {
    PUPIL: ("year_group",),
    STAFF: ("email", "staff_type"),
    PARENT: ("email", "child_mis_ids"),
}
# Other names MIS exports use for the same columns (after lower-casing, spaces and
# hyphens turned into underscores).
COLUMN_ALIASES = {
    "type": "record_type",
    "mis_reference": "mis_id",
    "forename": "first_name",
    "legal_forename": "first_name",
    "surname": "last_name",
    "legal_surname": "last_name",
    "email_address": "email",
    "dob": "date_of_birth",
    "year": "year_group",
    "class": "class_name",
    "form": "class_name",
    "reg_group": "class_name",
    "children": "child_mis_ids",
    "child_mis_id": "child_mis_ids",
}

# Fictional examples for the template download (the .example domains can't be real).
TEMPLATE_ROWS = (
    {
        "record_type": PUPIL,
        "mis_id": "A123456789012",
        "first_name": "Amara",
        "last_name": "Example",
        "date_of_birth": "14/03/2016",
        "year_group": "Year 4",
        "class_name": "4B",
    },
    {
        "record_type": PUPIL,
        "mis_id": "B123456789012",
        "first_name": "Ben",
        "last_name": "Example",
        "date_of_birth": "02/11/2019",
        "year_group": "R",
        "class_name": "Robins",
    },
    {
        "record_type": STAFF,
        "mis_id": "T042",
        "first_name": "Sam",
        "last_name": "Sample",
        "email": "s.sample@school.example",
        "class_name": "4B",
        "staff_type": "Teacher",
        "start_date": "01/09/2024",
    },
    {
        "record_type": PARENT,
        "mis_id": "C5001",
        "first_name": "Jo",
        "last_name": "Example",
        "email": "jo.example@home.example",
        "child_mis_ids": "A123456789012; B123456789012",
        "relationship": "mother",
    },
)

RECORD_TYPE_ALIASES = {
    "pupil": PUPIL,
    "pupils": PUPIL,
    "student": PUPIL,
    "staff": STAFF,
    "parent": PARENT,
    "parents": PARENT,
    "carer": PARENT,
    "parentcarer": PARENT,
    "parentorcarer": PARENT,
    "contact": PARENT,
}
STAFF_ROLE_ALIASES = {
    "": Role.STAFF,
    "staff": Role.STAFF,
    "headteacher": Role.HEADTEACHER,
    "head": Role.HEADTEACHER,
    "esafetyofficer": Role.ESAFETY_OFFICER,
    "esafetylead": Role.ESAFETY_OFFICER,
    "onlinesafetyofficer": Role.ESAFETY_OFFICER,
    "onlinesafetylead": Role.ESAFETY_OFFICER,
    "technician": Role.TECHNICIAN,
    "ittechnician": Role.TECHNICIAN,
}
STAFF_ROLES = frozenset({Role.STAFF, Role.HEADTEACHER, Role.ESAFETY_OFFICER, Role.TECHNICIAN})
ROLES_FOR_TYPE = {PUPIL: {Role.PUPIL}, STAFF: STAFF_ROLES, PARENT: {Role.PARENT}}
STAFF_TYPE_ALIASES = {re.sub(r"[^a-z]", "", v): v for v in StaffType.values} | {
    re.sub(r"[^a-z]", "", label.lower()): v for v, label in StaffType.choices
}
STAFF_TYPE_ALIASES["ta"] = StaffType.TEACHING_ASSISTANT

CHANGE_REASON = "CSV import"
MAX_ERRORS_SHOWN = 200

_UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_UK_DATETIME = re.compile(r"^(\d{1,2}[/.-]\d{1,2}[/.-]\d{4}) \d{1,2}:\d{2}(?::\d{2})?$")
_YEAR_PREFIX = re.compile(r"^(?:year|yr|y)\s*")
_CHILD_SEPARATORS = re.compile(r"[;|,]")  # commas too, when quoted in the cell


# --- the result -------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportIssue:
    """A problem (or a warning) with the file: where it is and what to do about it."""

    row: int | None  # as Excel numbers it: the column names are row 1
    column: str
    message: str

    def __str__(self):
        where = ", ".join(
            part for part in (f"Row {self.row}" if self.row else "", self.column) if part
        )
        return f"{where}: {self.message}" if where else self.message


@dataclass
class TypeCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportResult:
    filename: str = ""
    dry_run: bool = False
    imported: bool = False  # True once written (never for a dry run or with errors)
    rows_read: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    counts: dict[str, TypeCounts] = field(
        default_factory=lambda: {t: TypeCounts() for t in RECORD_TYPES}
    )
    new_accounts: int = 0
    links_added: int = 0
    links_updated: int = 0
    links_unchanged: int = 0
    # Active roles of the record types in the file that no row matched; left alone.
    not_in_file: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def count_rows(self) -> list[tuple[str, TypeCounts]]:
        return [(RECORD_TYPE_LABELS[t], c) for t, c in self.counts.items() if c.total]

    @property
    def errors_shown(self) -> list[ImportIssue]:
        return self.errors[:MAX_ERRORS_SHOWN]

    @property
    def errors_hidden(self) -> int:
        return max(0, len(self.errors) - MAX_ERRORS_SHOWN)

    @property
    def not_in_file_text(self) -> str:
        """e.g. "28 pupils, 6 staff and 1 parent or carer"."""
        nouns = {PUPIL: ("pupil", "pupils"), STAFF: ("staff", "staff")}
        nouns[PARENT] = ("parent or carer", "parents and carers")
        parts = [f"{n} {nouns[t][n != 1]}" for t, n in self.not_in_file.items() if n]
        return _and_list(parts, "and") if parts else ""

    def error(self, row, column, message) -> None:
        self.errors.append(ImportIssue(row, column, message))

    def warn(self, row, column, message) -> None:
        self.warnings.append(ImportIssue(row, column, message))


# --- reading the file -------------------------------------------------------------------

_NOT_CSV_SIGNATURES = (
    (
        b"PK\x03\x04",
        "This is an Excel workbook (.xlsx) or another zipped file, not a CSV file. "
        "In Excel choose File, Save As, and pick \u201cCSV UTF-8 (Comma delimited)\u201d.",
    ),
    (
        b"\xd0\xcf\x11\xe0",
        "This is an old-style Excel workbook (.xls), not a CSV file. In Excel choose "
        "File, Save As, and pick \u201cCSV UTF-8 (Comma delimited)\u201d.",
    ),
    (b"%PDF", "This is a PDF, not a CSV file. Export a CSV file from your MIS instead."),
)


class _FileProblem(Exception):
    pass


def _read_bytes(source) -> bytes | str:
    if isinstance(source, (bytes, str)):
        return source
    if hasattr(source, "seek"):
        source.seek(0)
    return source.read()


def decode(data: bytes | str) -> str:
    """Text from the upload: UTF-8 (with or without a BOM), UTF-16 (Excel's "Unicode
    Text"), else Windows-1252 as older Excel writes it in the UK."""
    if isinstance(data, str):
        text = data.removeprefix("\ufeff")
    else:
        for signature, message in _NOT_CSV_SIGNATURES:
            if data.startswith(signature):
                raise _FileProblem(message)
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16", errors="replace")
        else:
            data = data.removeprefix(codecs.BOM_UTF8)
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    text = data.decode("cp1252")
                except UnicodeDecodeError:
                    text = data.decode("latin-1")
    if not text.strip():
        raise _FileProblem("The file is empty. Choose the CSV file with the people in it.")
    if "\x00" in text:
        raise _FileProblem("This isn't a CSV file: it contains binary data.")
    if text.lstrip()[:1] in ("<", "{"):
        raise _FileProblem(
            "This isn't a CSV file (it looks like a web page or data in another format)."
        )
    return text


def _sniff_delimiter(text: str) -> tuple[str, str]:
    """(delimiter, text) - a comma, or a semicolon as European Excel writes, or a tab;
    decided by the column names row. Excel's optional "sep=;" first line is honoured."""
    # Old Mac Excel ends lines with a carriage return alone.
    first, *rest = re.split(r"\r\n|\r|\n", text.lstrip("\r\n"), maxsplit=1)
    match = re.fullmatch(r"sep=(.)", first.strip(" "))
    if match:
        return match.group(1), rest[0] if rest else ""
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return (best if counts[best] else ","), text


def normalise_header(name: str) -> str:
    key = re.sub(r"[\s\-]+", "_", name.strip().lower().removeprefix("\ufeff"))
    return COLUMN_ALIASES.get(key, key)


def _letters(value: str) -> str:
    return re.sub(r"[^a-z]", "", value.lower())


# --- checking values --------------------------------------------------------------------


def parse_date(value: str) -> datetime.date:
    """A date from DD/MM/YYYY (also D/M/YYYY, DD.MM.YYYY, DD-MM-YYYY) or YYYY-MM-DD.
    Raises ValueError with a message for the person fixing the spreadsheet."""
    uk_time = _UK_DATETIME.match(value)
    if uk_time:
        value = uk_time.group(1)
    iso = _ISO_DATE.match(value)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    else:
        uk = _UK_DATE.match(value)
        if not uk:
            raise ValueError(
                f"'{value}' isn't a date we recognise. Use DD/MM/YYYY, for example 23/04/2016."
            )
        day, month, year = (int(g) for g in uk.groups())
        if len(uk.group(3)) == 2:
            raise ValueError(
                f"'{value}' has a two-digit year. Use DD/MM/YYYY with all four digits of the year."
            )
    try:
        return datetime.date(year, month, day)
    except ValueError:
        hint = ""
        if not iso and month > 12 and day <= 12:
            hint = " It looks like the month comes first; put the day first."
        raise ValueError(f"'{value}' is not a real date.{hint} Use DD/MM/YYYY.") from None


def parse_year_group(value: str) -> int:
    key = _YEAR_PREFIX.sub("", value.strip().lower()).strip()
    if key in ("r", "rec", "reception"):
        return 0
    if key.isdigit() and 0 <= int(key) <= 13:
        return int(key)
    raise ValueError(f"'{value}' isn't a year group. Use R for Reception or a number from 1 to 13.")


@dataclass
class _Row:
    number: int
    record_type: str
    mis_id: str
    first_name: str
    last_name: str
    role: str = ""
    email: str = ""
    date_of_birth: datetime.date | None = None
    year_group: int | None = None
    class_name: str | None = None  # None: the file has no class_name column
    staff_type: str = ""
    child_ids: list[str] = field(default_factory=list)
    relationship: str = ""
    start_date: datetime.date | None = None
    ok: bool = True  # False: the row has problems of its own

    @property
    def key(self) -> str:
        return self.mis_id.casefold()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class _RowChecker:
    """Turns one row's cells into a _Row, recording every problem on the result."""

    def __init__(self, result: ImportResult, columns: set[str], today: datetime.date):
        self.result = result
        self.columns = columns
        self.today = today

    def check(self, number: int, cells: dict[str, str]) -> _Row | None:
        problems_before = len(self.result.errors)

        def problem(column, message):
            self.result.error(number, column, message)

        raw_type = cells.get("record_type", "")
        record_type = RECORD_TYPE_ALIASES.get(_letters(raw_type))
        if not raw_type:
            problem("record_type", "This is blank. Write pupil, staff or parent.")
        elif record_type is None:
            problem(
                "record_type", f"'{raw_type}' isn't a record type. Write pupil, staff or parent."
            )
        row = _Row(
            number=number,
            record_type=record_type or "",
            mis_id=cells.get("mis_id", ""),
            first_name=cells.get("first_name", ""),
            last_name=cells.get("last_name", ""),
        )
        what = {
            PUPIL: "the pupil's UPN",
            STAFF: "the staff code",
            PARENT: "the parent's contact ID",
        }.get(record_type, "the MIS reference")
        if not row.mis_id:
            problem("mis_id", f"This is blank. Give {what} from your MIS.")
        elif len(row.mis_id) > 64:
            problem("mis_id", "This is longer than 64 characters.")
        if not row.first_name:
            problem("first_name", "This is blank. Every person needs a first name.")
        if not row.last_name:
            problem("last_name", "This is blank. Every person needs a last name.")
        if len(row.full_name) > 150:
            problem("last_name", "The first and last names together are over 150 characters.")

        row.email = cells.get("email", "").lower()
        if row.email:
            try:
                validate_email(row.email)
            except ValidationError:
                problem("email", f"'{cells['email']}' isn't a valid email address.")
        elif record_type in (STAFF, PARENT):
            who = "Staff" if record_type == STAFF else "Parents and carers"
            problem("email", f"This is blank. {who} need an email address to sign in.")

        if "class_name" in self.columns:
            row.class_name = cells.get("class_name", "")
            if len(row.class_name) > 40:
                problem("class_name", "This is longer than 40 characters.")
        row.start_date = self._date(cells, "start_date", problem)

        if record_type == PUPIL:
            row.role = Role.PUPIL
            row.date_of_birth = self._date(cells, "date_of_birth", problem)
            if row.date_of_birth and not (
                datetime.date(1900, 1, 1) <= row.date_of_birth <= self.today
            ):
                problem(
                    "date_of_birth",
                    f"'{cells['date_of_birth']}' can't be a pupil's date of birth.",
                )
            raw_year = cells.get("year_group", "")
            if not raw_year:
                problem("year_group", "This is blank. Pupils need a year group (R, or 1 to 13).")
            else:
                try:
                    row.year_group = parse_year_group(raw_year)
                except ValueError as error:
                    problem("year_group", str(error))
        elif record_type == STAFF:
            raw_role = cells.get("role", "")
            row.role = STAFF_ROLE_ALIASES.get(_letters(raw_role), "")
            if not row.role:
                problem(
                    "role",
                    f"'{raw_role}' isn't a staff role here. Leave it blank for ordinary "
                    "staff, or write headteacher, e-safety officer or technician.",
                )
            raw_type = cells.get("staff_type", "")
            staff_type = STAFF_TYPE_ALIASES.get(_letters(raw_type), "")
            if raw_type and not staff_type:
                problem(
                    "staff_type",
                    f"'{raw_type}' isn't a staff type. Write teacher, teaching assistant, "
                    "office, volunteer or contractor.",
                )
            elif not raw_type and row.role == Role.STAFF:
                problem(
                    "staff_type",
                    "This is blank. Write teacher, teaching assistant, office, volunteer "
                    "or contractor.",
                )
            # As when adding a role by hand, only the plain staff role keeps a staff type.
            row.staff_type = staff_type if row.role == Role.STAFF else ""
        elif record_type == PARENT:
            row.role = Role.PARENT
            raw_children = cells.get("child_mis_ids", "")
            row.child_ids = list(
                dict.fromkeys(c.strip() for c in _CHILD_SEPARATORS.split(raw_children))
            )
            row.child_ids = [c for c in row.child_ids if c]
            if not row.child_ids:
                problem(
                    "child_mis_ids",
                    "This is blank. Give the UPN of at least one child, separating "
                    "several with ; or |.",
                )
            row.relationship = cells.get("relationship", "")
            if len(row.relationship) > 40:
                problem("relationship", "This is longer than 40 characters.")
        if record_type is None:
            return None
        # Kept even with problems, so duplicates with other rows are reported too.
        row.ok = len(self.result.errors) == problems_before
        return row

    def _date(self, cells, column, problem) -> datetime.date | None:
        value = cells.get(column, "")
        if not value:
            return None
        try:
            return parse_date(value)
        except ValueError as error:
            problem(column, str(error))
            return None


def _read_rows(
    text: str, result: ImportResult, today: datetime.date
) -> tuple[list[_Row], set[str]]:
    """Every row with a known record type (`ok` is False for those with problems), and
    the MIS references of every pupil row; problems are recorded on the result."""
    delimiter, text = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    header_row = 0
    rows: list[_Row] = []
    pupil_refs: set[str] = set()
    checker = None
    seen_types: set[str] = set()
    try:
        for number, cells in enumerate(reader, start=1):
            # Stray spaces, and line breaks typed inside a cell (Alt+Enter), become one space.
            cells = [" ".join(c.split()) for c in cells]
            if not any(cells):
                continue  # a blank line (or a row of empty cells)
            if header is None:
                header, header_row = [normalise_header(c) for c in cells], number
                while header and not header[-1]:
                    header.pop()  # Excel's trailing empty columns
                if not _check_header(header, result):
                    return [], set()
                checker = _RowChecker(result, set(header), today)
                continue
            extra = [c for c in cells[len(header) :] if c]
            if extra:
                result.error(
                    number,
                    "",
                    f"This row has more cells than there are column names ({len(cells)} "
                    f"instead of {len(header)}). A value may contain a "
                    f"'{delimiter}' without quotes around it.",
                )
                continue
            values = {name: value for name, value in zip(header, cells, strict=False) if name}
            result.rows_read += 1
            record_type = RECORD_TYPE_ALIASES.get(_letters(values.get("record_type", "")))
            seen_types.add(record_type)
            if record_type == PUPIL and values.get("mis_id"):
                pupil_refs.add(values["mis_id"].casefold())
            row = checker.check(number, values)
            if row is not None:
                rows.append(row)
    except csv.Error as error:
        result.error(None, "", f"The file couldn't be read as CSV ({error}).")
        return [], set()
    if header is None:
        result.error(None, "", "The file is empty. Choose the CSV file with the people in it.")
        return [], set()
    if not result.rows_read:
        result.error(None, "", f"The file has column names (row {header_row}) but no people in it.")
        return [], set()
    _check_columns_for_types(header, seen_types, result)
    return rows, pupil_refs


def _check_header(header: list[str], result: ImportResult) -> bool:
    known = [h for h in header if h in COLUMN_NAMES]
    if not known:
        result.error(
            1,
            "",
            "The first row should be the column names (record_type, mis_id, first_name, "
            "last_name and so on), but none were found. Is this the right file? Start "
            "from the template.",
        )
        return False
    twice = sorted(name for name, n in Counter(known).items() if n > 1)
    if twice:
        result.error(1, "", f"These columns appear more than once: {', '.join(twice)}.")
        return False
    missing = [c for c in ALWAYS_REQUIRED if c not in header]
    if missing:
        result.error(
            1,
            "",
            f"The file has no {_and_list(missing)} column{'s' if len(missing) > 1 else ''}. "
            "Add the missing column names to the first row, or start from the template.",
        )
        return False
    unknown = [h for h in header if h and h not in COLUMN_NAMES]
    if unknown:
        result.warn(
            None,
            "",
            f"These columns were ignored because the import doesn't use them: "
            f"{', '.join(unknown)}.",
        )
    if "" in header:
        result.warn(None, "", "Columns without a name in the first row were ignored.")
    return True


def _check_columns_for_types(header, seen_types, result: ImportResult) -> None:
    missing = {}
    for record_type in RECORD_TYPES:
        if record_type in seen_types:
            for column in REQUIRED_FOR_TYPE[record_type]:
                if column not in header:
                    missing.setdefault(column, []).append(RECORD_TYPE_LABELS[record_type].lower())
    if missing:
        # One error for the column rather than one for every row that leaves it blank.
        result.errors[:] = [e for e in result.errors if e.column not in missing]
        details = "; ".join(f"{c} (needed for {' and '.join(t)})" for c, t in missing.items())
        # Put it first: it explains the row problems that follow.
        result.errors.insert(
            0,
            ImportIssue(
                1, "", f"The file is missing columns: {details}. Add them to the first row."
            ),
        )


def _and_list(items: list[str], word: str = "or") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


# --- matching against the school's people --------------------------------------------------


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Existing:
    """The school's memberships, the file's email owners and their parent links: a few
    queries up front, then dictionaries."""

    def __init__(self, school: School, rows: list[_Row], today: datetime.date):
        self.today = today
        memberships = list(Membership.objects.filter(school=school).select_related("user"))
        self.by_ref: dict[tuple[str, str], Membership] = {}
        self.active_by_user_role: dict[tuple[int, str], Membership] = {}
        self.unreferenced_pupils: dict[tuple[str, datetime.date], list[Membership]] = defaultdict(
            list
        )
        self.user_ids_here: set[int] = set()
        self.active = []
        # Older first, so an active membership replaces an ended one for the same key.
        for m in sorted(memberships, key=lambda m: (m.is_active(today), m.started_on, m.pk)):
            self.user_ids_here.add(m.user_id)
            if m.external_id:
                self.by_ref[(m.role, m.external_id.casefold())] = m
            if m.is_active(today):
                self.active.append(m)
                self.active_by_user_role[(m.user_id, m.role)] = m
                if m.role == Role.PUPIL and not m.external_id and m.user.date_of_birth:
                    key = (m.user.full_name.casefold(), m.user.date_of_birth)
                    self.unreferenced_pupils[key].append(m)
        users_here = {m.user_id: m.user for m in memberships}
        self.users_by_email: dict[str, User] = {
            u.email.lower(): u for u in users_here.values() if u.email
        }
        emails = sorted({r.email for r in rows if r.email} - set(self.users_by_email))
        for chunk in _chunks(emails):
            found = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk)
            for user in found:
                self.users_by_email.setdefault(user.email_lower, user)
        # Every link a pair in the file could already have: the child is at this school
        # (a new child has none yet).
        people_here = Membership.objects.filter(school=school).values("user_id")
        self.links = {
            (link.parent_id, link.child_id): link
            for link in ParentLink.objects.filter(child_id__in=people_here)
        }

    def pupil(self, key: str) -> Membership | None:
        m = self.by_ref.get((Role.PUPIL, key))
        return m if m is not None and m.is_active(self.today) else None


@dataclass
class _Person:
    """Someone the import creates or updates; several rows can share one (staff and
    parent)."""

    user: User | None  # None: a new account
    full_name: str = ""
    email: str = ""
    date_of_birth: datetime.date | None = None
    first_row: int = 0
    email_row: int = 0
    update_details: bool = True  # False for accounts that have no role at this school


@dataclass
class _Planned:
    row: _Row
    person_key: tuple
    membership: Membership | None  # None: a new role


class _Planner:
    def __init__(self, school, rows, result: ImportResult, existing: _Existing, pupil_refs):
        self.school = school
        self.pupil_refs_in_file = pupil_refs
        self.rows = rows
        self.result = result
        self.existing = existing
        self.people: dict[tuple, _Person] = {}
        self.planned: list[_Planned] = []
        self.email_owner: dict[str, tuple] = {}  # email -> person key, within the file
        self.claimed_memberships: dict[int, int] = {}  # membership pk -> row number
        self.roles_planned: dict[tuple, int] = {}  # (person key, role) -> row number

    def describe(self, user: User) -> str:
        if user.pk in self.existing.user_ids_here:
            return f"{user.full_name}, who is already at this school"
        return "someone else's account (not at this school)"

    def plan(self) -> None:
        for row in self.rows:
            resolved = self._match(row)
            if resolved is None:
                continue
            person_key, user, membership = resolved
            if membership is not None:
                earlier = self.claimed_memberships.setdefault(membership.pk, row.number)
                if earlier != row.number:
                    self.result.error(
                        row.number,
                        "mis_id",
                        f"This row and row {earlier} both match "
                        f"{membership.user.full_name}'s "
                        f"{membership.get_role_display().lower()} role. Check the mis_id "
                        "and email on both rows.",
                    )
                    continue
            earlier = self.roles_planned.setdefault((person_key, row.role), row.number)
            if earlier != row.number:
                self.result.error(
                    row.number,
                    "mis_id",
                    f"This row and row {earlier} are the same person with the same role.",
                )
                continue
            if not self._set_details(row, person_key, user):
                continue
            self.planned.append(_Planned(row, person_key, membership))

    def _match(self, row: _Row):
        """(person key, existing user or None, membership to update or None)."""
        ex = self.existing
        membership = ex.by_ref.get((row.role, row.key))
        if membership is not None and membership.is_active(ex.today):
            return ("user", membership.user_id), membership.user, membership
        user = membership.user if membership is not None else None
        if user is None and row.email:
            user = ex.users_by_email.get(row.email)
        if user is None and row.record_type == PUPIL and row.date_of_birth:
            same = ex.unreferenced_pupils.get((row.full_name.casefold(), row.date_of_birth), [])
            if len(same) == 1:
                return ("user", same[0].user_id), same[0].user, same[0]
        if user is None:
            key = ("new", row.email) if row.email else ("row", row.number)
            return key, None, None
        active = ex.active_by_user_role.get((user.pk, row.role))
        if active is not None:
            if active.external_id and active.external_id.casefold() != row.key:
                self.result.error(
                    row.number,
                    "email",
                    f"'{row.email}' belongs to {active.user.full_name}, whose "
                    f"{active.get_role_display().lower()} MIS reference here is "
                    f"'{active.external_id}', not '{row.mis_id}'. If this is the same "
                    "person, correct the mis_id; if not, correct the email.",
                )
                return None
            return ("user", user.pk), user, active
        if membership is not None:
            self.result.warn(
                row.number,
                "",
                f"{user.full_name}'s {membership.get_role_display().lower()} role here "
                f"ended on {membership.ended_on:%d/%m/%Y}; the import gives them a new one.",
            )
        elif row.email:
            self.result.warn(
                row.number,
                "email",
                f"{row.email} already has an account, so that account is given the "
                f"{Role(row.role).label.lower()} role here.",
            )
        return ("user", user.pk), user, None

    def _set_details(self, row: _Row, person_key, user: User | None) -> bool:
        person = self.people.get(person_key)
        if person is None:
            person = _Person(
                user=user,
                first_row=row.number,
                update_details=user is None or user.pk in self.existing.user_ids_here,
                full_name=row.full_name,
                date_of_birth=row.date_of_birth,
            )
            self.people[person_key] = person
        elif row.full_name != person.full_name:
            self.result.warn(
                row.number,
                "first_name",
                f"This person is '{person.full_name}' on row {person.first_row}; that "
                "name was kept.",
            )
        if row.date_of_birth and not person.date_of_birth:
            person.date_of_birth = row.date_of_birth
        if not row.email:
            return True
        owner_in_file = self.email_owner.setdefault(row.email, person_key)
        if owner_in_file != person_key:
            other = self.people[owner_in_file]
            self.result.error(
                row.number,
                "email",
                f"'{row.email}' is also the email of a different person on row "
                f"{other.first_row}. Each person needs their own email address.",
            )
            return False
        owner = self.existing.users_by_email.get(row.email)
        if owner is not None and (user is None or owner.pk != user.pk):
            self.result.error(
                row.number,
                "email",
                f"'{row.email}' is already the email address of {self.describe(owner)}. "
                "Each person needs their own email address.",
            )
            return False
        if person.email and person.email != row.email:
            self.result.error(
                row.number,
                "email",
                f"This person's email is '{person.email}' on row {person.first_row}. Use "
                "the same email address on both rows.",
            )
            return False
        person.email, person.email_row = row.email, row.number
        return True

    def links(self):
        """(parent key, child key, relationship, row) for every parent-child pair."""
        pupils_in_file = {}
        for row in self.planned:
            if row.row.record_type == PUPIL:
                pupils_in_file[row.row.key] = row.person_key
        pupil_refs_with_problems = self.pupil_refs_in_file - set(pupils_in_file)
        pairs = {}
        for planned in self.planned:
            row = planned.row
            if row.record_type != PARENT:
                continue
            for child_id in row.child_ids:
                key = child_id.casefold()
                if key in pupils_in_file:
                    child = pupils_in_file[key]
                elif key in pupil_refs_with_problems:
                    continue  # that pupil's row has its own error
                elif (m := self.existing.pupil(key)) is not None:
                    child = ("user", m.user_id)
                else:
                    self.result.error(
                        row.number,
                        "child_mis_ids",
                        f"There is no pupil with the MIS reference '{child_id}' in this file "
                        f"or at {self.school.name}. Check the child's UPN.",
                    )
                    continue
                if child == planned.person_key:
                    self.result.error(
                        row.number,
                        "child_mis_ids",
                        f"'{child_id}' is this same person. Someone can't be their own "
                        "parent or carer.",
                    )
                    continue
                pairs.setdefault(
                    (planned.person_key, child), (row.relationship, row.number, child_id)
                )
        return pairs


# --- writing ----------------------------------------------------------------------------


def _membership_changes(m: Membership, row: _Row) -> list[str]:
    wanted = {"external_id": row.mis_id}
    if row.role == Role.STAFF:
        wanted["staff_type"] = row.staff_type
    if row.role == Role.PUPIL:
        wanted["year_group"] = row.year_group
    if row.class_name is not None:
        wanted["class_name"] = row.class_name
    if row.start_date is not None:
        wanted["started_on"] = row.start_date
    changed = []
    for name, value in wanted.items():
        if getattr(m, name) != value:
            setattr(m, name, value)
            changed.append(name)
    return changed


def _accounts_in_use(user_ids: list[int], school: School) -> set[int]:
    """Of these accounts, those whose sign-in email an import must not change: anyone
    with a role in another school or trust. (Set passwords are checked in Python.)"""
    in_use = set()
    for chunk in _chunks(user_ids):
        in_use.update(
            Membership.objects.filter(user_id__in=chunk)
            .exclude(school=school)
            .values_list("user_id", flat=True)
        )
        in_use.update(
            TrusteeMembership.objects.filter(user_id__in=chunk).values_list("user_id", flat=True)
        )
    return in_use


def _user_changes(person: _Person, email_locked: bool, result: ImportResult) -> list[str]:
    user = person.user
    changed = []
    if person.email and user.email != person.email:
        if (user.email or "").lower() == person.email or not (user.email and email_locked):
            user.email = person.email
            changed.append("email")
        else:
            # Changing the sign-in address of an account in use would let whoever holds
            # the new address reset its password: a way into someone else's account.
            result.warn(
                person.email_row,
                "email",
                f"{user.full_name} already signs in as {user.email}, so their email was "
                f"not changed to {person.email}. A technical administrator can change it.",
            )
    if person.update_details:
        if person.full_name and user.full_name != person.full_name:
            user.full_name = person.full_name
            changed.append("full_name")
        if person.date_of_birth and user.date_of_birth != person.date_of_birth:
            user.date_of_birth = person.date_of_birth
            changed.append("date_of_birth")
    return changed


def import_people(
    *, school: School, uploaded_file_or_text, imported_by: User, dry_run: bool = False
) -> ImportResult:
    """Check a CSV file of people and, if every row is right, import it all.

    `uploaded_file_or_text` is an uploaded file, bytes or str. With errors, or with
    `dry_run`, nothing is written; the result says what would have happened.
    """
    result = ImportResult(filename=getattr(uploaded_file_or_text, "name", ""), dry_run=dry_run)
    today = timezone.localdate()
    try:
        text = decode(_read_bytes(uploaded_file_or_text))
    except _FileProblem as problem:
        result.error(None, "", str(problem))
        return result
    rows, pupil_refs = _read_rows(text, result, today)
    if not result.rows_read:
        return result
    _check_duplicates_in_file(rows, result)
    rows_with_errors = {e.row for e in result.errors}
    rows = [r for r in rows if r.ok and r.number not in rows_with_errors]

    existing = _Existing(school, rows, today)
    planner = _Planner(school, rows, result, existing, pupil_refs)
    planner.plan()
    pairs = planner.links()
    if result.errors:
        # Problems with the whole file first, then by row; stable, so columns stay in order.
        result.errors.sort(key=lambda e: e.row or 0)
        return result

    # Work out every change in memory first: counts for a dry run come from the same code.
    new_users, changed_users, user_fields = {}, [], set()
    changed_people = set()
    email_changes = [
        p.user
        for p in planner.people.values()
        if p.user is not None and p.email and (p.user.email or "").lower() != p.email
    ]
    locked = _accounts_in_use([u.pk for u in email_changes], school)
    locked.update(
        u.pk for u in email_changes if u.has_usable_password() or u.is_staff or u.is_superuser
    )
    for key, person in planner.people.items():
        if person.user is None:
            new_users[key] = User(
                email=person.email or None,
                full_name=person.full_name,
                date_of_birth=person.date_of_birth,
                password=make_password(None),
            )
        else:
            fields = _user_changes(person, person.user.pk in locked, result)
            if fields:
                changed_users.append(person.user)
                user_fields.update(fields)
                changed_people.add(key)
    new_memberships, changed_memberships, membership_fields = [], [], set()
    for planned in planner.planned:
        row, counts = planned.row, result.counts[planned.row.record_type]
        if planned.membership is None:
            counts.created += 1
            new_memberships.append(planned)
            continue
        fields = _membership_changes(planned.membership, row)
        if fields:
            changed_memberships.append(planned.membership)
            membership_fields.update(fields)
        if fields or planned.person_key in changed_people:
            counts.updated += 1
        else:
            counts.unchanged += 1
    new_links, changed_links = [], []
    for (parent_key, child_key), (relationship, number, child_id) in pairs.items():
        link = None
        if parent_key[0] == "user" and child_key[0] == "user":
            link = existing.links.get((parent_key[1], child_key[1]))
        if link is None:
            new_links.append((parent_key, child_key, relationship))
        elif link.ended_on is not None:
            result.warn(
                number,
                "child_mis_ids",
                f"{planner.people[parent_key].full_name}'s link to the child '{child_id}' "
                f"was ended on {link.ended_on:%d/%m/%Y}, so it was not restored. Link them "
                "again on the parent's page if that is right.",
            )
            result.links_unchanged += 1
        elif relationship and link.relationship != relationship:
            link.relationship = relationship
            changed_links.append(link)
        else:
            result.links_unchanged += 1
    result.links_added, result.links_updated = len(new_links), len(changed_links)
    result.new_accounts = len(new_users)
    matched = {p.membership.pk for p in planner.planned if p.membership is not None}
    types_in_file = {r.record_type for r in rows}
    for record_type in RECORD_TYPES:
        if record_type in types_in_file:
            result.not_in_file[record_type] = sum(
                1
                for m in existing.active
                if m.role in ROLES_FOR_TYPE[record_type] and m.pk not in matched
            )
    if dry_run:
        return result

    history = {"default_user": imported_by, "default_change_reason": CHANGE_REASON}
    try:
        with transaction.atomic():
            if new_users:
                bulk_create_with_history(list(new_users.values()), User, **history)
            if changed_users:
                bulk_update_with_history(
                    changed_users, User, sorted(user_fields), batch_size=500, **history
                )

            def user_id(key):
                return key[1] if key[0] == "user" else new_users[key].pk

            if new_memberships:
                bulk_create_with_history(
                    [
                        Membership(
                            user_id=user_id(p.person_key),
                            school=school,
                            role=p.row.role,
                            staff_type=p.row.staff_type,
                            year_group=p.row.year_group,
                            class_name=p.row.class_name or "",
                            external_id=p.row.mis_id,
                            started_on=p.row.start_date or today,
                        )
                        for p in new_memberships
                    ],
                    Membership,
                    **history,
                )
            if changed_memberships:
                bulk_update_with_history(
                    changed_memberships,
                    Membership,
                    sorted(membership_fields),
                    batch_size=500,
                    **history,
                )
            if new_links:
                bulk_create_with_history(
                    [
                        ParentLink(
                            parent_id=user_id(parent),
                            child_id=user_id(child),
                            relationship=relationship,
                        )
                        for parent, child, relationship in new_links
                    ],
                    ParentLink,
                    **history,
                )
            if changed_links:
                bulk_update_with_history(
                    changed_links, ParentLink, ["relationship"], batch_size=500, **history
                )
    except IntegrityError:
        result.error(
            None,
            "",
            "Someone else changed these people while the file was being imported, so "
            "nothing was imported. Upload the file again.",
        )
        return result
    forget_access(imported_by)
    result.imported = True
    return result


_PERSON_NOUN = {PUPIL: "pupil", STAFF: "staff member", PARENT: "parent or carer"}


def _check_duplicates_in_file(rows: list[_Row], result: ImportResult) -> None:
    first_ref: dict[tuple[str, str], int] = {}
    first_email: dict[tuple[str, str], int] = {}
    for row in rows:
        earlier = first_ref.setdefault((row.record_type, row.key), row.number)
        if earlier != row.number:
            result.error(
                row.number,
                "mis_id",
                f"'{row.mis_id}' is also on row {earlier}. Each "
                f"{_PERSON_NOUN[row.record_type]} needs their own MIS reference.",
            )
        if row.email:
            earlier = first_email.setdefault((row.record_type, row.email), row.number)
            if earlier != row.number:
                result.error(
                    row.number,
                    "email",
                    f"'{row.email}' is also on row {earlier}. Each person needs their own "
                    "email address.",
                )


def template_csv() -> str:
    """The template download: column names and a few fictional example rows."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(TEMPLATE_ROWS)
    return "\ufeff" + out.getvalue()
