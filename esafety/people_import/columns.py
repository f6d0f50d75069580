"""The people import's columns, the words it understands in them, and the template."""

import csv
import io
import re

from esafety.models import STAFF_ROLES, Role, StaffType

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
ROLES_FOR_TYPE = {PUPIL: {Role.PUPIL}, STAFF: STAFF_ROLES, PARENT: {Role.PARENT}}
STAFF_TYPE_ALIASES = {re.sub(r"[^a-z]", "", v): v for v in StaffType.values} | {
    re.sub(r"[^a-z]", "", label.lower()): v for v, label in StaffType.choices
}
STAFF_TYPE_ALIASES["ta"] = StaffType.TEACHING_ASSISTANT

CHANGE_REASON = "CSV import"
MAX_ERRORS_SHOWN = 200

# re.ASCII: \d would match any script's digits, which int() accepts.
_UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$", re.ASCII)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$", re.ASCII)
_UK_DATETIME = re.compile(r"^(\d{1,2}[/.-]\d{1,2}[/.-]\d{4}) \d{1,2}:\d{2}(?::\d{2})?$", re.ASCII)
_YEAR_PREFIX = re.compile(r"^(?:year|yr|y)\s*")
_CHILD_SEPARATORS = re.compile(r"[;|,]")  # commas too, when quoted in the cell


def letters(value: str) -> str:
    return re.sub(r"[^a-z]", "", value.lower())


def and_list(items: list[str], word: str = "or") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def template_csv() -> str:
    """The template download: column names and a few fictional example rows."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(TEMPLATE_ROWS)
    return "\ufeff" + out.getvalue()
