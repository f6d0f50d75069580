"""CSV import of pupils, staff and parents, the files it refuses and the ones it reads
in spite of Excel: a bad file imports nothing and says where (every problem, not just
the first); Excel's CSV quirks import correctly. The good files, re-import, the page,
the template and a big file are in test_people_import.py, with the shared helpers."""

import codecs
import datetime

import pytest

from esafety.models import ParentLink, Role, StaffType
from esafety.people_import import COLUMN_NAMES
from esafety.testing import SchoolFactory, person
from esafety.tests import test_people_import as shared
from esafety.tests.test_people_import import (
    GOOD_ROWS,
    HEADER,
    csv_text,
    membership,
    messages,
    snapshot,
)

run = shared.run  # the import fixture, shared with the good files' tests

# --- bad files: nothing imported, and the message says where ---------------------------------

EXISTING_EMAIL = "taken@school.example"

BAD_FILES = {
    "missing columns": (
        "record_type,first_name,email\npupil,Ada,\n",
        ["mis_id", "last_name"],
    ),
    "not a real date": (
        csv_text("pupil,UPN9,Ada,L,,31/02/2015,4,,,,,,", *GOOD_ROWS),
        ["Row 2, date_of_birth: '31/02/2015' is not a real date. Use DD/MM/YYYY."],
    ),
    "date in an unknown format": (
        csv_text(*GOOD_ROWS, "pupil,UPN9,Ada,L,,March 2015,4,,,,,,"),
        ["Row 8, date_of_birth: 'March 2015' isn't a date we recognise"],
    ),
    "month first": (
        csv_text(*GOOD_ROWS, "staff,T9,Al,B,al@school.example,,,,teacher,,,,09/23/2024"),
        ["Row 8, start_date: '09/23/2024' is not a real date. It looks like the month"],
    ),
    "two-digit year": (
        csv_text("pupil,UPN9,Ada,L,,14/03/16,4,,,,,,"),
        ["Row 2, date_of_birth: '14/03/16' has a two-digit year"],
    ),
    "duplicate email in the file": (
        csv_text(*GOOD_ROWS, "staff,T03,Sam,Twin,SAM.TEACH@school.example,,,,teacher,,,,"),
        ["Row 8, email: 'sam.teach@school.example' is also on row 4"],
    ),
    "email of another existing person with a different mis_id": (
        csv_text(*GOOD_ROWS, f"staff,T10,Tom,New,{EXISTING_EMAIL},,,,teacher,,,,"),
        ["Row 8, email: 'taken@school.example' belongs to Tina Taken", "'S9', not 'T10'"],
    ),
    "duplicate mis_id for the same record type": (
        csv_text(*GOOD_ROWS, "pupil,upn002,Bea,Other,,01/01/2018,1,,,,,,"),
        ["Row 8, mis_id: 'upn002' is also on row 3. Each pupil needs"],
    ),
    "unknown child": (
        csv_text(*GOOD_ROWS, "parent,C03,Pat,Q,pat.q@home.example,,,,,,UPN001;NOPE7,,"),
        ["Row 8, child_mis_ids: There is no pupil with the MIS reference 'NOPE7'"],
    ),
    "bad year group": (
        csv_text("pupil,UPN9,Ada,L,,,Year 14,,,,,,"),
        ["Row 2, year_group: 'Year 14' isn't a year group"],
    ),
    "bad staff type and role": (
        csv_text("staff,T9,Al,B,al@school.example,,,,cook,caretaker,,,"),
        ["Row 2, role: 'caretaker' isn't a staff role", "Row 2, staff_type: 'cook'"],
    ),
    "staff without an email": (
        csv_text("staff,T9,Al,B,,,,,teacher,,,,"),
        ["Row 2, email: This is blank. Staff need an email address"],
    ),
    "bad email": (
        csv_text("parent,C9,Al,B,al at home,,,,,,UPN001,,", *GOOD_ROWS),
        ["Row 2, email: 'al at home' isn't a valid email address"],
    ),
    "unknown record type": (
        csv_text(*GOOD_ROWS, "teacher,T9,Al,B,al@school.example,,,,teacher,,,,"),
        ["Row 8, record_type: 'teacher' isn't a record type"],
    ),
    "blank required cells": (
        csv_text(*GOOD_ROWS, "pupil,,Al,,,,3,,,,,,"),
        ["Row 8, mis_id: This is blank", "Row 8, last_name: This is blank"],
    ),
    "blank lines count in the row numbers": (
        csv_text("", *GOOD_ROWS[:2], "", "pupil,UPN9,Ada,L,,30/02/2016,4,,,,,,"),
        ["Row 6, date_of_birth: '30/02/2016' is not a real date"],
    ),
    "more cells than columns": (
        csv_text(*GOOD_ROWS, "staff,T9,Al,Smith,Jr,al@school.example,,,,teacher,,,,01/09/2024"),
        ["Row 8: This row has more cells than there are column names"],
    ),
    "a column that a record type needs is missing": (
        "record_type,mis_id,first_name,last_name,email\nparent,C1,Jo,B,jo@home.example\n",
        ["Row 1: The file is missing columns: child_mis_ids (needed for parents and carers)"],
    ),
    "an Excel workbook": (
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml",
        ["This is an Excel workbook (.xlsx)"],
    ),
    "binary data": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        ["This isn't a CSV file: it contains binary data."],
    ),
    "a text file that isn't the template": (
        "Dear parents,\nthe trip is on Monday.\n",
        ["Row 1: The first row should be the column names"],
    ),
    "an empty file": (b"", ["The file is empty"]),
    "only blank lines": ("\r\n\r\n  \r\n", ["The file is empty"]),
    "column names but no people": (HEADER + "\r\n,,,,\r\n", ["no people in it"]),
}


@pytest.mark.parametrize("case", list(BAD_FILES), ids=lambda c: c.replace(" ", "-"))
def test_a_bad_file_imports_nothing_and_says_where(case, personas, run):
    person(
        personas.school,
        Role.STAFF,
        name="Tina Taken",
        email=EXISTING_EMAIL,
        external_id="S9",
    )
    content, expected = BAD_FILES[case]
    before = snapshot()
    result = run(content)
    assert not result.ok and not result.imported
    assert snapshot() == before
    text = "\n".join(messages(result))
    for fragment in expected:
        assert fragment in text, text


def test_every_problem_is_reported_not_just_the_first(personas, run):
    result = run(
        csv_text(
            "pupil,UPN1,Ada,L,,31/02/2015,4,,,,,,",
            "pupil,UPN2,Ben,M,,01/01/2015,Year 99,,,,,,",
            "staff,T1,Cy,N,,,,,,,,,",
            "parent,C1,Di,O,di@home.example,,,,,,UPN404,,",
        )
    )
    found = [(e.row, e.column) for e in result.errors]
    assert found == [
        (2, "date_of_birth"),
        (3, "year_group"),
        (4, "email"),
        (4, "staff_type"),
        (5, "child_mis_ids"),
    ]


def test_a_duplicate_is_reported_even_when_the_first_row_has_another_problem(personas, run):
    result = run(
        csv_text(
            "pupil,UPN1,Ada,L,,31/02/2015,4,,,,,,",
            "pupil,UPN1,Ben,M,,01/01/2015,4,,,,,,",
        )
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "date_of_birth"), (3, "mis_id")]


def test_a_missing_column_is_one_error_not_one_per_row(personas, run):
    rows = [f"staff,T{i},Al,B{i},al{i}@school.example" for i in range(30)]
    header = "record_type,mis_id,first_name,last_name,email"
    result = run(csv_text(*rows, header=header))
    assert len(result.errors) == 1
    assert "staff_type (needed for staff)" in str(result.errors[0])


def test_an_existing_email_in_another_school_is_reused_not_duplicated(personas, run):
    elsewhere = person(personas.other_school, Role.PARENT, name="Ola Other")
    before = snapshot()
    result = run(
        csv_text("pupil,UPN1,Ada,L,,,4,,,,,,", f"parent,C1,O,O,{elsewhere.email},,,,,,UPN1,,")
    )
    assert result.ok, messages(result)
    assert snapshot()["users"] == before["users"] + 1
    elsewhere.refresh_from_db()
    assert elsewhere.full_name == "Ola Other"  # another school's record: name left alone
    assert elsewhere.memberships.filter(school=personas.school, role=Role.PARENT).exists()


@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "check only"])
@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.PARENT])
def test_an_account_of_another_trust_is_refused_and_never_named(role, dry_run, personas, run):
    other_trust_school = SchoolFactory(name="Far Trust Primary")
    assert other_trust_school.trust_id != personas.school.trust_id
    outsider = person(other_trust_school, role, name="Hester Elsewhere")
    before = snapshot()
    result = run(csv_text(f"staff,S1,Hes,Ter,{outsider.email},,,,Teacher,,,,"), dry_run=dry_run)
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(2, "email")]
    said = " ".join(messages(result) + [str(w) for w in result.warnings])
    assert "another email address" in said
    assert "Hester" not in said and "Elsewhere" not in said and "Far Trust" not in said
    assert snapshot() == before
    assert not outsider.memberships.filter(school=personas.school).exists()


def test_a_trustee_of_this_trust_can_be_given_a_role_at_a_school(personas, run):
    result = run(
        csv_text(
            "pupil,UPN1,Ada,L,,,4,,,,,,", f"parent,C1,T,T,{personas.trustee.email},,,,,,UPN1,,"
        )
    )
    assert result.ok, messages(result)
    assert personas.trustee.memberships.filter(school=personas.school, role=Role.PARENT).exists()


# --- Excel's CSV quirks ---------------------------------------------------------------------

ZOE_ROWS = [
    "pupil,UPN001,Zoë,Brontë,,14/03/2016,Year 4,4B,,,,,",
    "pupil,UPN002,Émile,Brontë,,01/09/2019,R,,,,,,",
    "staff,T01,Sam,Teach,sam@school.example,,,,Teacher,,,,",
    "parent,C01,Chloé,Brontë,chloe@home.example,,,,,,UPN001|UPN002,mother,",
]


def semicolons(rows):
    header = HEADER.replace(",", ";")
    body = [r.replace(",", ";").replace("UPN001|UPN002", '"UPN001;UPN002"') for r in rows]
    return csv_text(*body, header=header, newline="\r\n")


QUIRKS = {
    "utf-8 with a BOM and quoted column names": codecs.BOM_UTF8
    + csv_text(*ZOE_ROWS, header=",".join(f'"{c}"' for c in COLUMN_NAMES)).encode(),
    "CRLF line endings": csv_text(*ZOE_ROWS, newline="\r\n").encode(),
    "old Mac line endings": csv_text(*ZOE_ROWS, newline="\r").encode(),
    "Windows-1252 (older Excel)": csv_text(*ZOE_ROWS, newline="\r\n").encode("cp1252"),
    "UTF-16 (Excel's Unicode Text)": csv_text(
        *[r.replace(",", "\t") for r in ZOE_ROWS], header=HEADER.replace(",", "\t")
    ).encode("utf-16"),
    "semicolons (European Excel)": ("\ufeff" + semicolons(ZOE_ROWS)).encode("utf-8"),
    "Excel's sep= line": ("sep=;\r\n" + semicolons(ZOE_ROWS)).encode("cp1252"),
    "trailing empty columns and stray spaces": csv_text(
        *[" " + r.replace(",", " , ") + ",,," for r in ZOE_ROWS],
        header=" " + HEADER.upper().replace(",", " , ") + ",,,",
    ).encode(),
    "quoted commas and line breaks": csv_text(
        '"pupil","UPN001","Zoë","Brontë",,"14/03/2016","Year 4","4B",,,,,',
        *ZOE_ROWS[1:3],
        'parent,C01,"Chloé","Brontë",chloe@home.example,,,,,,"UPN001, UPN002","mother,\r\nbirth",',
        newline="\r\n",
    ).encode(),
    "columns in another order": "\n".join(
        ",".join(reversed(line.split(",")))
        for line in csv_text(*ZOE_ROWS, header=HEADER).split("\n")
    ).encode(),
}


@pytest.mark.parametrize("case", list(QUIRKS), ids=lambda c: c.replace(" ", "-"))
def test_excel_quirks_import_correctly(case, personas, run):
    result = run(QUIRKS[case])
    assert result.ok, messages(result)
    assert result.imported and result.rows_read == 4
    zoe = membership(personas.school, "UPN001")
    assert zoe.user.full_name == "Zoë Brontë"
    assert (zoe.year_group, zoe.class_name) == (4, "4B")
    assert zoe.user.date_of_birth == datetime.date(2016, 3, 14)
    assert membership(personas.school, "T01").staff_type == StaffType.TEACHER
    chloe = membership(personas.school, "C01").user
    assert chloe.full_name == "Chloé Brontë" and chloe.email == "chloe@home.example"
    links = ParentLink.objects.filter(parent=chloe)
    assert {link.child.full_name for link in links} == {"Zoë Brontë", "Émile Brontë"}
    if case == "quoted commas and line breaks":
        assert {link.relationship for link in links} == {"mother, birth"}


def test_rows_are_numbered_as_excel_shows_them_after_a_quoted_line_break(personas, run):
    result = run(
        csv_text(
            'pupil,UPN1,"Ada\nMary",Lovelace,,,4,,,,,,',
            "pupil,UPN2,Ben,Okafor,,31/04/2016,4,,,,,,",
        )
    )
    assert [str(e)[:22] for e in result.errors] == ["Row 3, date_of_birth: "]
