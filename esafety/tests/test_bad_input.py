"""Bad input to the core's forms and the people import gets a clear message, never a
server error (issue 9); the import's write phase is all-or-nothing (issue 8)."""

import inspect
import pkgutil

import pytest
from django import forms
from django.db import IntegrityError
from django.urls import reverse
from simple_history import utils as history_utils

import agreements
import esafety
import incidents
from esafety.models import Membership, ParentLink, Role, User
from esafety.people_import import writing
from esafety.testing import person, sign_in
from esafety.tests.test_people_import import GOOD, csv_text, snapshot
from esafety.validators import CheckedFormMixin

pytestmark = pytest.mark.django_db


def person_form(personas, **overrides):
    return {
        "full_name": "Nina New",
        "email": "nina.new@school.example",
        "role": Role.STAFF,
        "staff_type": "teacher",
        "started_on": "2026-09-01",
        **overrides,
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "0001-01-01", "Check the year"),
        ("date_of_birth", "9999-12-31", "Check the year"),
        ("started_on", "0001-01-01", "Check the year"),
        ("started_on", "9999-12-31", "Check the year"),
        ("full_name", "\u200b", "only invisible characters"),
        ("full_name", "Nina\x07 New", "control character"),
        ("full_name", "Nina \u202eweN", "changes the direction of the text"),
        ("full_name", "\u2066Nina New", "changes the direction of the text"),
        ("full_name", "Nina \ufffd New", "could not be read"),
        ("email", "n" * 250 + "@school.example", "at most 254 characters"),
    ],
)
def test_adding_a_person_refuses_what_no_one_means(personas, client, field, value, message):
    sign_in(client, personas.esafety_officer)
    url = reverse("person-add", args=[personas.school.slug])
    before = User.objects.count()
    response = client.post(url, person_form(personas, **{field: value}))
    assert message in response.content.decode()
    assert User.objects.count() == before


@pytest.mark.parametrize(
    "urn", ["12345", "1234567", "ABC123", "\u0661\u0662\u0663\u0664\u0665\u0666"]
)
def test_a_urn_must_be_a_six_digit_number(personas, client, urn):
    sign_in(client, personas.headteacher)
    url = reverse("school-settings", args=[personas.school.slug])
    data = {
        "name": "Oakwood Primary",
        "urn": urn,
        "school_day_ends": "17:00",
        "academic_year_start_month": "9",
        "academic_year_start_day": "1",
    }
    assert "6-digit number" in client.post(url, data).content.decode()
    personas.school.refresh_from_db()
    assert personas.school.urn == ""
    assert client.post(url, {**data, "urn": "123456"}).status_code == 302
    personas.school.refresh_from_db()
    assert personas.school.urn == "123456"


def test_a_nul_byte_in_a_form_field_gets_a_clear_400(personas, client):
    sign_in(client, personas.esafety_officer)
    url = reverse("person-add", args=[personas.school.slug])
    response = client.post(url, person_form(personas, full_name="Nina\x00New"))
    assert response.status_code == 400
    assert "character that can't be used" in response.content.decode()


def project_form_classes():
    for package in (esafety, incidents, agreements):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if ".tests" in info.name or ".migrations" in info.name:
                continue
            module = __import__(info.name, fromlist=["_"])
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == info.name:
                    yield cls


def test_every_form_in_the_project_has_the_shared_checks():
    forms_found = list(project_form_classes())
    assert len(forms_found) > 20
    missing = [
        f"{c.__module__}.{c.__name__}" for c in forms_found if not issubclass(c, CheckedFormMixin)
    ]
    assert not missing, f"Add esafety.validators.CheckedFormMixin to: {missing}"


class NoteForm(CheckedFormMixin, forms.Form):
    title = forms.CharField()
    note = forms.CharField(widget=forms.Textarea)
    tag = forms.CharField(max_length=40)


def test_text_the_model_does_not_limit_gets_a_sensible_length():
    form = NoteForm({"title": "T" * 1001, "note": "n" * 20_001, "tag": "t" * 41})
    assert not form.is_valid()
    assert "at most 1000 characters" in form.errors["title"][0]
    assert "at most 20000 characters" in form.errors["note"][0]
    assert "at most 40 characters" in form.errors["tag"][0]  # its own limit kept
    assert form.fields["note"].widget.attrs["maxlength"] == "20000"
    assert NoteForm({"title": "T" * 1000, "note": "n" * 20_000, "tag": "t"}).is_valid()


class PolicyForm(CheckedFormMixin, forms.Form):
    long_documents = ("text",)
    text = forms.CharField(widget=forms.Textarea)


def test_a_whole_policy_fits_in_a_document_field():
    assert PolicyForm({"text": "A policy line.\n" * 4_000}).is_valid()  # 60,000 characters
    assert "at most 250000" in PolicyForm({"text": "x" * 250_001}).errors["text"][0]


def test_direction_changes_are_refused_in_a_line_but_kept_in_a_long_text():
    form = NoteForm(
        {"title": "Report \u202e", "note": "\u05e9\u05dc\u05d5\u05dd \u2067x\u2069", "tag": "t"}
    )
    assert not form.is_valid()
    assert list(form.errors) == ["title"]


# --- the people import --------------------------------------------------------------------


def import_csv(personas, content, **kwargs):
    from esafety.people_import import import_people

    return import_people(
        school=personas.school,
        uploaded_file_or_text=content,
        imported_by=personas.esafety_officer,
        **kwargs,
    )


def errors(result):
    return " ".join(str(e) for e in result.errors)


def test_an_email_longer_than_the_column_is_refused_by_the_check(personas):
    long_email = "s" * 250 + "@school.example"  # valid, and 265 characters
    result = import_csv(
        personas, csv_text(f"staff,T9,Sam,Long,{long_email},,,,Teacher,,,,"), dry_run=True
    )
    assert not result.ok and "longer than 254 characters" in errors(result)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("pupil,U1,Ada,L,,,\u0665,,,,,,", "isn't a year group"),
        ("pupil,U1,Ada,L,,\u0661\u0664/03/2016,4,,,,,,", "isn't a date"),
        ("pupil,U1,Ada,L,,01/01/0001,4,,,,,,", "Check the year"),
        ("staff,T1,Sam,T,sam@school.example,,,,Teacher,,,,31/12/9999", "Check the year"),
        ("pupil,U1,\u200b,L,,,4,,,,,,", "only invisible characters"),
        ("pupil,U1,Ada\x07,L,,,4,,,,,,", "control character"),
        ("pupil,U1,Ada\u202e,L,,,4,,,,,,", "changes the direction of the text"),
    ],
)
def test_the_import_refuses_values_no_one_means(personas, row, message):
    result = import_csv(personas, csv_text(row), dry_run=True)
    assert not result.ok and message in errors(result)


def test_a_file_not_in_utf8_says_which_encoding_was_used(personas):
    content = csv_text("pupil,U1,Zo\u00eb,L,,,4,,,,,,").encode("cp1252")
    result = import_csv(personas, content, dry_run=True)
    assert result.ok
    assert any("read as Windows-1252" in str(w) for w in result.warnings)


def test_a_file_in_no_encoding_we_know_is_refused(personas):
    content = csv_text("pupil,U1,Zo,L,,,4,,,,,,").encode() + b"\x81\x8d"
    result = import_csv(personas, content, dry_run=True)
    assert not result.ok and "neither UTF-8 nor Windows-1252" in errors(result)


def test_giving_a_role_to_someone_from_another_school_does_not_reveal_their_account(personas):
    elsewhere = person(personas.other_school, Role.STAFF, name="Ola Other")
    result = import_csv(personas, csv_text(f"staff,T7,Ola,Other,{elsewhere.email},,,,Teacher,,,,"))
    assert result.ok and result.imported
    said = " ".join(str(w) for w in result.warnings)
    assert elsewhere.email not in said and "already has an account" not in said
    assert result.new_accounts == 1  # as for anyone new to the school


@pytest.mark.parametrize("failure", [IntegrityError, RuntimeError])
def test_the_write_phase_is_all_or_nothing_when_a_write_fails_half_way(
    personas, monkeypatch, failure
):
    real = history_utils.bulk_create_with_history

    def fail_at_the_links(objs, model, *args, **kwargs):
        if model is ParentLink:  # users and memberships are already written by now
            raise failure("injected")
        return real(objs, model, *args, **kwargs)

    monkeypatch.setattr(writing, "bulk_create_with_history", fail_at_the_links)
    before = snapshot()
    if failure is IntegrityError:
        result = import_csv(personas, GOOD)
        assert not result.imported and "nothing was imported" in errors(result)
    else:
        with pytest.raises(RuntimeError):
            import_csv(personas, GOOD)
    assert snapshot() == before
    assert not Membership.objects.filter(external_id="UPN001").exists()


# --- the school's settings ----------------------------------------------------------------


def settings_form(school, **overrides):
    return {
        "name": school.name,
        "urn": "123456",
        "school_day_ends": "15:30",
        "academic_year_start_month": "9",
        "academic_year_start_day": "1",
        "contact_line": "",
        **overrides,
    }


@pytest.mark.parametrize(
    ("month", "day", "message"),
    [
        ("9", "0", "September has no day 0"),
        ("9", "99999999999999999999", "September has no day"),
        ("9", "31", "September has no day 31"),
        ("2", "30", "February has no day 30"),
        ("2", "29", "February has no day 29"),
        ("0", "1", "Choose a month from the list"),
        ("13", "1", "Choose a month from the list"),
    ],
)
def test_the_academic_year_must_start_on_a_day_every_year_has(
    personas, client, month, day, message
):
    sign_in(client, personas.headteacher)
    url = reverse("school-settings", args=[personas.school.slug])
    response = client.post(
        url,
        settings_form(
            personas.school, academic_year_start_month=month, academic_year_start_day=day
        ),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    personas.school.refresh_from_db()
    assert (personas.school.academic_year_start_month, personas.school.academic_year_start_day) == (
        9,
        1,
    )


def test_a_real_start_day_is_saved(personas, client):
    sign_in(client, personas.headteacher)
    url = reverse("school-settings", args=[personas.school.slug])
    response = client.post(
        url,
        settings_form(personas.school, academic_year_start_month="8", academic_year_start_day="31"),
    )
    assert response.status_code == 302
    personas.school.refresh_from_db()
    assert personas.school.academic_year_start_day == 31
