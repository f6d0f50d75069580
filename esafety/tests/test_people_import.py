"""CSV import of pupils, staff and parents: checking, all-or-nothing, re-import, Excel's
quirks, the page and the template, and a 5,000-row file."""

import codecs
import datetime
import random
import time

import pytest
from django.urls import reverse

from esafety.models import Membership, ParentLink, Role, StaffType, User
from esafety.people_import import COLUMN_NAMES, import_people
from esafety.testing import SchoolFactory, person, sign_in

HEADER = ",".join(COLUMN_NAMES)
# record_type,mis_id,first_name,last_name,email,date_of_birth,year_group,class_name,
# staff_type,role,child_mis_ids,relationship,start_date
GOOD_ROWS = [
    "pupil,UPN001,Ada,Lovelace,,14/03/2016,Year 4,4B,,,,,",
    "pupil,UPN002,Ben,Okafor,,2019-11-02,R,Robins,,,,,",
    "staff,T01,Sam,Teach,Sam.Teach@School.example,,,4B,Teacher,,,,01/09/2024",
    "staff,T02,Erin,Lead,erin.lead@school.example,,,,teaching assistant,e-safety officer,,,",
    "parent,C01,Jo,Okafor,jo.okafor@home.example,,,,,,UPN001;UPN002,mother,",
    "parent,C02,Max,Lovelace,max@home.example,,,,,,UPN001|UPN002,father,",
]


def csv_text(*rows, header=HEADER, newline="\n"):
    return newline.join([header, *rows]) + newline


GOOD = csv_text(*GOOD_ROWS)


def snapshot():
    return {
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "links": ParentLink.objects.count(),
        "user history": User.history.count(),
        "membership history": Membership.history.count(),
        "link history": ParentLink.history.count(),
    }


@pytest.fixture
def run(personas):
    def run(content, **kwargs):
        return import_people(
            school=personas.school,
            uploaded_file_or_text=content,
            imported_by=personas.esafety_officer,
            **kwargs,
        )

    return run


def membership(school, mis_id, role=None):
    found = Membership.objects.filter(school=school, external_id=mis_id)
    return found.get(role=role) if role else found.get()


def messages(result):
    return [str(issue) for issue in result.errors]


# --- a good file ----------------------------------------------------------------------------


def test_a_good_file_imports_pupils_staff_and_parents_with_links(personas, run):
    before = snapshot()
    result = run(GOOD)
    assert result.ok, messages(result)
    assert result.imported
    assert [(t, c.created) for t, c in result.counts.items()] == [
        ("pupil", 2),
        ("staff", 2),
        ("parent", 2),
    ]
    assert result.links_added == 4 and result.new_accounts == 6
    after = snapshot()
    assert after["users"] == before["users"] + 6
    assert after["memberships"] == before["memberships"] + 6
    assert after["links"] == before["links"] + 4

    school = personas.school
    ada = membership(school, "UPN001")
    assert (ada.role, ada.year_group, ada.class_name) == (Role.PUPIL, 4, "4B")
    assert ada.user.full_name == "Ada Lovelace"
    assert ada.user.date_of_birth == datetime.date(2016, 3, 14)
    assert ada.user.email is None
    ben = membership(school, "UPN002")
    assert ben.year_group == 0 and ben.user.date_of_birth == datetime.date(2019, 11, 2)
    sam = membership(school, "T01")
    assert (sam.role, sam.staff_type) == (Role.STAFF, StaffType.TEACHER)
    assert sam.started_on == datetime.date(2024, 9, 1)
    assert sam.user.email == "sam.teach@school.example"  # stored lower-case
    assert not sam.user.has_usable_password()
    erin = membership(school, "T02")
    assert erin.role == Role.ESAFETY_OFFICER and erin.staff_type == ""
    jo = membership(school, "C01").user
    links = ParentLink.objects.filter(parent=jo)
    assert {(link.child_id, link.relationship) for link in links} == {
        (ada.user_id, "mother"),
        (ben.user_id, "mother"),
    }
    assert ParentLink.objects.filter(parent=membership(school, "C02").user).count() == 2


def test_every_record_has_history_by_the_importer(personas, run):
    run(GOOD)
    school = personas.school
    ada = membership(school, "UPN001")
    jo = membership(school, "C01")
    for record in (ada.user, ada, jo, ParentLink.objects.filter(parent=jo.user).first()):
        history = record.history.get()
        assert history.history_type == "+"
        assert history.history_user == personas.esafety_officer
        assert history.history_change_reason == "CSV import"


# --- importing again ------------------------------------------------------------------------


def test_importing_the_same_file_again_creates_nothing(personas, run):
    run(GOOD)
    before = snapshot()
    result = run(GOOD)
    assert result.ok, messages(result)
    assert {t: (c.created, c.updated, c.unchanged) for t, c in result.counts.items()} == {
        "pupil": (0, 0, 2),
        "staff": (0, 0, 2),
        "parent": (0, 0, 2),
    }
    assert (result.links_added, result.links_unchanged, result.new_accounts) == (0, 4, 0)
    assert snapshot() == before  # no new records and no history rows for unchanged ones


def test_importing_again_updates_a_changed_name_and_details(personas, run):
    run(GOOD)
    before = snapshot()
    changed = GOOD.replace(
        "pupil,UPN001,Ada,Lovelace,,14/03/2016,Year 4,4B",
        "pupil,upn001,Ada,King,,15/03/2016,Year 5,5A",
    )
    changed = changed.replace(",Teacher,,,,01/09/2024", ",Volunteer,,,,01/09/2024")
    changed = changed.replace("UPN001|UPN002,father", "UPN001|UPN002,stepfather")
    result = run(changed)
    assert result.ok, messages(result)
    assert result.counts["pupil"].updated == 1 and result.counts["pupil"].unchanged == 1
    assert result.counts["staff"].updated == 1
    assert result.links_updated == 2  # Max's links to both children
    after = snapshot()
    assert after["users"] == before["users"]
    assert after["memberships"] == before["memberships"]
    assert after["links"] == before["links"]
    ada = membership(personas.school, "upn001")
    assert ada.user.full_name == "Ada King"
    assert ada.user.date_of_birth == datetime.date(2016, 3, 15)
    assert (ada.year_group, ada.class_name) == (5, "5A")
    assert membership(personas.school, "T01").staff_type == StaffType.VOLUNTEER
    latest = ada.user.history.first()
    assert latest.history_type == "~" and latest.history_user == personas.esafety_officer
    assert ParentLink.objects.filter(relationship="stepfather").count() == 2


def test_existing_people_are_matched_by_email_and_get_a_new_role(personas, run):
    """The teacher is also a parent; the e-safety officer (added by hand, no MIS
    reference) is in the file as staff; a mixed-case email matches case-insensitively."""
    school = personas.school
    mixed = person(school, Role.STAFF, name="Mia Mixed", email="Mia.Mixed@School.example")
    rows = [
        "pupil,UPN001,Ada,Lovelace,,14/03/2016,4,,,,,,",
        f"parent,C09,Terry,Teacher,{personas.teacher.email.upper()},,,,,,UPN001,father,",
        f"staff,T77,Eddie,Officer,{personas.esafety_officer.email},,,,,esafety officer,,,",
        "staff,T78,Mia,Mixed,mia.mixed@school.example,,,,office,,,,",
    ]
    before = snapshot()
    result = run(csv_text(*rows))
    assert result.ok, messages(result)
    after = snapshot()
    assert after["users"] == before["users"] + 1  # only the pupil is a new person
    assert after["memberships"] == before["memberships"] + 2  # pupil, teacher's parent role
    teacher_roles = set(personas.teacher.memberships.values_list("role", flat=True))
    assert teacher_roles == {Role.STAFF, Role.PARENT}
    assert ParentLink.objects.filter(parent=personas.teacher).count() == 1
    officer = personas.esafety_officer.memberships.get()
    assert officer.external_id == "T77"  # the hand-made role was adopted
    mixed.refresh_from_db()
    assert mixed.email == "mia.mixed@school.example"
    assert mixed.memberships.get().staff_type == StaffType.OFFICE


def test_a_new_accounts_email_is_corrected_on_the_next_import(personas, run):
    run(GOOD)
    result = run(GOOD.replace("max@home.example", "Max.Lovelace@home.example"))
    assert result.ok, messages(result)
    assert membership(personas.school, "C02").user.email == "max.lovelace@home.example"
    assert result.counts["parent"].updated == 1


def test_the_sign_in_email_of_an_account_in_use_is_not_changed(personas, run):
    """Otherwise whoever holds the new address could reset the teacher's password."""
    Membership.objects.filter(user=personas.teacher).update(external_id="T55")
    old = personas.teacher.email
    result = run(csv_text("staff,T55,Terry,Teacher,attacker@evil.example,,,,teacher,,,,"))
    assert result.ok, messages(result)
    personas.teacher.refresh_from_db()
    assert personas.teacher.email == old
    assert any("already signs in as" in str(w) for w in result.warnings)


def test_people_missing_from_the_file_keep_their_roles(personas, run):
    result = run(GOOD)
    assert result.ok
    # Poppy Pupil, and the staff and parent personas, are not in the file.
    assert result.not_in_file == {"pupil": 1, "staff": 4, "parent": 1}
    assert personas.pupil.memberships.get().ended_on is None
    assert Membership.objects.filter(school=personas.school, ended_on__isnull=False).count() == 0


def test_the_result_says_what_each_row_did(personas, run):
    """The same row outcomes the MIS sync lists by name (who joins, who changes)."""
    first = run(GOOD)
    assert {outcome for outcome, _ in first.outcomes.values()} == {"joined"}
    assert len(first.outcomes) == len(GOOD_ROWS)
    again = run(csv_text(*GOOD_ROWS[:1], GOOD_ROWS[1].replace(",R,", ",1,"), *GOOD_ROWS[2:]))
    assert again.outcomes[(3, "pupil")] == ("changed", ("year_group",))
    assert again.outcomes[(2, "pupil")] == ("unchanged", ())
    assert not again.leavers and not again.refused


def test_an_ended_parent_link_is_not_restored(personas, run):
    run(GOOD)
    link = ParentLink.objects.get(parent__full_name="Jo Okafor", child__full_name="Ada Lovelace")
    link.ended_on = datetime.date(2026, 1, 5)
    link.save()
    result = run(GOOD)
    assert result.ok
    link.refresh_from_db()
    assert link.ended_on == datetime.date(2026, 1, 5)
    assert any("was not restored" in str(w) for w in result.warnings)


def test_a_parent_can_be_linked_to_a_pupil_already_at_the_school(personas, run):
    school = personas.school
    Membership.objects.filter(user=personas.pupil).update(external_id="UPN-POPPY")
    result = run(csv_text("parent,C5,Kim,Carer,kim@home.example,,,,,,upn-poppy,carer,"))
    assert result.ok, messages(result)
    kim = membership(school, "C5").user
    assert ParentLink.objects.filter(parent=kim, child=personas.pupil).exists()


def test_a_link_made_by_hand_is_not_duplicated(personas, run):
    """Pat Parent is already linked to Poppy Pupil; the file lists the same pair."""
    Membership.objects.filter(user=personas.pupil).update(external_id="UPN-POPPY")
    Membership.objects.filter(user=personas.parent).update(external_id="C-PAT")
    before = snapshot()
    result = run(csv_text(f"parent,C-PAT,Pat,Parent,{personas.parent.email},,,,,,UPN-POPPY,,"))
    assert result.ok, messages(result)
    assert (result.links_added, result.links_unchanged) == (0, 1)
    assert snapshot()["links"] == before["links"]


def test_a_staff_member_already_linked_by_hand_gets_the_parent_role_without_a_new_link(
    personas, run
):
    ParentLink.objects.create(parent=personas.teacher, child=personas.pupil)
    Membership.objects.filter(user=personas.pupil).update(external_id="UPN-POPPY")
    result = run(csv_text(f"parent,C7,Terry,Teacher,{personas.teacher.email},,,,,,UPN-POPPY,,"))
    assert result.ok, messages(result)
    assert result.links_added == 0 and result.counts["parent"].created == 1
    assert ParentLink.objects.filter(parent=personas.teacher).count() == 1


def test_check_only_writes_nothing_but_gives_the_counts(personas, run):
    before = snapshot()
    result = run(GOOD, dry_run=True)
    assert result.ok and not result.imported
    assert result.counts["pupil"].created == 2 and result.links_added == 4
    assert snapshot() == before


def test_unknown_columns_are_ignored_with_a_warning(personas, run):
    text = csv_text(*[row + ",Red,x" for row in GOOD_ROWS], header=HEADER + ",house,notes")
    result = run(text)
    assert result.ok, messages(result)
    assert result.counts["pupil"].created == 2
    assert any("house, notes" in str(w) for w in result.warnings)


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


# --- the template ---------------------------------------------------------------------------


def test_the_template_downloads_as_csv_and_can_be_imported(personas, client, run):
    sign_in(client, personas.headteacher)
    response = client.get(reverse("people-import-template", args=[personas.school.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == HEADER
    result = run(response.content)
    assert result.ok, messages(result)
    assert {t: c.created for t, c in result.counts.items()} == {
        "pupil": 2,
        "staff": 1,
        "parent": 1,
    }
    assert result.links_added == 2


# --- the page -------------------------------------------------------------------------------


def upload(client, school, content, **data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("people.csv", content.encode(), content_type="text/csv")
    return client.post(reverse("people-import", args=[school.slug]), {"file": file, **data})


def test_the_page_has_the_form_guide_and_template_link(personas, client):
    sign_in(client, personas.esafety_officer)
    response = client.get(reverse("people-import", args=[personas.school.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in page
    assert reverse("people-import-template", args=[personas.school.slug]) in page
    assert "<code>child_mis_ids</code>" in page
    assert "style=" not in page and "<script>" not in page


def test_the_esafety_officer_imports_a_file_and_sees_the_summary(personas, client):
    sign_in(client, personas.esafety_officer)
    response = upload(client, personas.school, GOOD)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Import complete" in page and "What the import did" in page
    assert Membership.objects.filter(school=personas.school, external_id="UPN001").exists()
    history = User.history.filter(full_name="Ada Lovelace").get()
    assert history.history_user == personas.esafety_officer


def test_the_page_lists_the_problems_and_imports_nothing(personas, client):
    sign_in(client, personas.headteacher)
    before = snapshot()
    response = upload(client, personas.school, csv_text("pupil,UPN9,Ada,L,,31/02/2015,4,,,,,,"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in page
    assert "<td>2</td><td><code>date_of_birth</code></td>" in page
    assert "&#x27;31/02/2015&#x27; is not a real date" in page
    assert snapshot() == before


def test_check_only_on_the_page_saves_nothing(personas, client):
    sign_in(client, personas.esafety_officer)
    before = snapshot()
    response = upload(client, personas.school, GOOD, check_only="on")
    assert "The file is ready to import" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("name", ["teacher", "technician", "parent"])
def test_other_staff_and_parents_cannot_import(name, personas, client):
    sign_in(client, personas.get(name))
    before = snapshot()
    response = upload(client, personas.school, GOOD)
    assert response.status_code == 403
    assert snapshot() == before


def test_another_schools_headteacher_gets_not_found(personas, client):
    sign_in(client, personas.other_school_headteacher)
    assert upload(client, personas.school, GOOD).status_code == 404


# --- a big file -----------------------------------------------------------------------------


def big_file(pupils=3500, parents=1300, staff=200, seed=2026):
    rnd = random.Random(seed)
    rows = []
    for i in range(pupils):
        year = rnd.choice(["R", *[f"Year {y}" for y in range(1, 7)]])
        born = f"0{1 + i % 9}/0{1 + i % 9}/2017"
        rows.append(f"pupil,P{i:06d},Pupil{i},Family{i},,{born},{year},C{i % 30},,,,,")
    for i in range(parents):
        children = ";".join(f"P{c:06d}" for c in rnd.sample(range(pupils), rnd.randint(1, 3)))
        rows.append(
            f"parent,C{i:05d},Parent{i},Family{i},parent{i}@home.example,,,,,,{children},carer,"
        )
    for i in range(staff):
        rows.append(f"staff,S{i:04d},Staff{i},Person{i},staff{i}@school.example,,,,teacher,,,,")
    return csv_text(*rows, newline="\r\n")


def test_a_5000_row_file(personas, run, django_assert_max_num_queries):
    text = big_file()
    before = snapshot()
    started = time.perf_counter()
    with django_assert_max_num_queries(1000):  # a query per row would be over 5,000
        result = run(text.encode())
    first = time.perf_counter() - started
    assert result.ok, messages(result)[:5]
    assert result.rows_read == 5000
    after = snapshot()
    assert after["users"] - before["users"] == 5000
    assert after["memberships"] - before["memberships"] == 5000
    links = after["links"] - before["links"]
    assert links == result.links_added and 1300 <= links <= 3900
    assert after["user history"] - before["user history"] == 5000
    started = time.perf_counter()
    again = run(text.encode())
    second = time.perf_counter() - started
    assert again.ok and sum(c.unchanged for c in again.counts.values()) == 5000
    assert snapshot() == after
    print(f"\n5,000-row import: {first:.2f}s first time, {second:.2f}s again (no changes)")
