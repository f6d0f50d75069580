"""Checking each row's values, and duplicates between rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from esafety.models import Role
from esafety.params import parse_int
from esafety.validators import (
    EMAIL_MAX_LENGTH,
    validate_name,
    validate_plausible_date,
    validate_single_line,
)

from .columns import (
    _CHILD_SEPARATORS,
    _ISO_DATE,
    _UK_DATE,
    _UK_DATETIME,
    _YEAR_PREFIX,
    PARENT,
    PUPIL,
    RECORD_TYPE_ALIASES,
    STAFF,
    STAFF_ROLE_ALIASES,
    STAFF_TYPE_ALIASES,
    letters,
)
from .result import ImportResult

NAME_COLUMNS = ("first_name", "last_name")


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
    if (year := parse_int(key, high=13)) is not None:
        return year
    raise ValueError(f"'{value}' isn't a year group. Use R for Reception or a number from 1 to 13.")


@dataclass
class Row:
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


class RowChecker:
    """Turns one row's cells into a Row, recording every problem on the result."""

    def __init__(self, result: ImportResult, columns: set[str], today: datetime.date):
        self.result = result
        self.columns = columns
        self.today = today

    def check(self, number: int, cells: dict[str, str]) -> Row | None:
        problems_before = len(self.result.errors)

        def problem(column, message):
            self.result.error(number, column, message)

        raw_type = cells.get("record_type", "")
        record_type = RECORD_TYPE_ALIASES.get(letters(raw_type))
        if not raw_type:
            problem("record_type", "This is blank. Write pupil, staff or parent.")
        elif record_type is None:
            problem(
                "record_type", f"'{raw_type}' isn't a record type. Write pupil, staff or parent."
            )
        row = Row(
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
        for column, value in cells.items():
            try:
                (validate_name if column in NAME_COLUMNS else validate_single_line)(value)
            except ValidationError as error:
                problem(column, error.messages[0])

        row.email = cells.get("email", "").lower()
        if row.email:
            try:
                validate_email(row.email)
            except ValidationError:
                problem("email", f"'{cells['email']}' isn't a valid email address.")
            else:
                if len(row.email) > EMAIL_MAX_LENGTH:
                    problem("email", f"This is longer than {EMAIL_MAX_LENGTH} characters.")
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
            row.role = STAFF_ROLE_ALIASES.get(letters(raw_role), "")
            if not row.role:
                problem(
                    "role",
                    f"'{raw_role}' isn't a staff role here. Leave it blank for ordinary "
                    "staff, or write headteacher, e-safety officer or technician.",
                )
            raw_type = cells.get("staff_type", "")
            staff_type = STAFF_TYPE_ALIASES.get(letters(raw_type), "")
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
            day = parse_date(value)
            validate_plausible_date(day)
        except ValueError as error:
            problem(column, str(error))
        except ValidationError as error:
            problem(column, error.messages[0])
        else:
            return day
        return None


PERSON_NOUN = {PUPIL: "pupil", STAFF: "staff member", PARENT: "parent or carer"}


def check_duplicates_in_file(rows: list[Row], result: ImportResult) -> None:
    first_ref: dict[tuple[str, str], int] = {}
    first_email: dict[tuple[str, str], int] = {}
    for row in rows:
        earlier = first_ref.setdefault((row.record_type, row.key), row.number)
        if earlier != row.number:
            result.error(
                row.number,
                "mis_id",
                f"'{row.mis_id}' is also on row {earlier}. Each "
                f"{PERSON_NOUN[row.record_type]} needs their own MIS reference.",
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
