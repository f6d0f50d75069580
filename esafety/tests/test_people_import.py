"""CSV import of pupils, staff and parents: a good file, re-import, the page and the
template, and a 5,000-row file. Bad files and Excel's quirks are in
test_people_import_bad_files.py, which shares this file's helpers."""

import datetime
import random
import time

import pytest
from django.urls import reverse

from esafety.models import Membership, ParentLink, Role, StaffType, User
from esafety.people_import import COLUMN_NAMES, import_people
from esafety.testing import person, sign_in

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
