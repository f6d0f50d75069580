"""The people picker: search as you type by name, class or year group, pupils and staff
told apart, the same number of queries for 20 pupils or 2,000, nothing pre-loaded, and a
plain form (no JavaScript) that resolves a typed name."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from esafety.models import Membership, Role, User
from esafety.testing import person, sign_in
from incidents import services
from incidents.models import Incident, Part, Subject
from incidents.tests.factories import report
from incidents.tests.test_pages import log_form_data

pytestmark = pytest.mark.django_db


def add_pupils(school, count, start=0):
    users = User.objects.bulk_create(
        User(full_name=f"Pupil {n:04d} Bulk", password="!") for n in range(start, start + count)
    )
    Membership.objects.bulk_create(
        Membership(
            user=u,
            school=school,
            role=Role.PUPIL,
            year_group=n % 7,
            class_name=f"{n % 7}{'AB'[n % 2]}",
            started_on=datetime.date(2025, 9, 1),
        )
        for n, u in enumerate(users)
    )


def search(client, school, q, **params):
    return client.get(reverse("people-search"), {"school": school.slug, "q": q, **params})


def query_count(client, school, q):
    with CaptureQueriesContext(connection) as queries:
        assert search(client, school, q).status_code == 200
    return len(queries)


def test_search_by_name_class_and_year_tells_pupils_and_staff_apart(personas, client):
    person(personas.school, Role.PUPIL, name="Ava Brook", year_group=5, class_name="5B")
    person(personas.school, Role.PUPIL, name="Ava Stone", year_group=3, class_name="3A")
    person(personas.school, Role.STAFF, name="Ava Teacher")
    sign_in(client, personas.teacher)
    page = search(client, personas.school, "ava").content.decode()
    assert "Ava Brook <span" in page and "Pupil, Year 5, 5B" in page
    assert "Ava Teacher <span" in page and "Staff: Teacher" in page
    assert 'role="option"' in page
    assert "Ava Stone" not in search(client, personas.school, "ava 5B").content.decode()
    by_year = search(client, personas.school, "ava year 3").content.decode()
    assert "Ava Stone" in by_year and "Ava Brook" not in by_year
    assert "No one matches" in search(client, personas.school, "zzzz").content.decode()


def test_the_same_queries_for_20_or_2000_pupils(personas, client):
    add_pupils(personas.school, 20)
    sign_in(client, personas.teacher)
    small = query_count(client, personas.school, "pupil 00")
    add_pupils(personas.school, 1980, start=20)
    big = query_count(client, personas.school, "pupil 00")
    assert small == big
    page = search(client, personas.school, "pupil").content.decode()
    assert page.count('role="option"') == 10  # a page of matches, never the school


def test_the_log_form_does_not_preload_the_school(personas, client):
    add_pupils(personas.school, 50)
    sign_in(client, personas.teacher)
    page = client.get(reverse("incident-create")).content.decode()
    assert "Pupil 0001 Bulk" not in page and "Poppy Pupil" not in page
    assert 'role="combobox"' in page and 'aria-controls="id_people-0-person_listbox"' in page
    assert 'for="id_people-0-person_search"' in page


def test_without_javascript_a_typed_name_is_resolved(personas, client):
    sign_in(client, personas.teacher)
    data = log_form_data(personas, **{"people-0-person": "", "people-0-person_search": "poppy"})
    assert client.post(reverse("incident-create"), data).status_code == 302
    incident = Incident.objects.get()
    assert incident.people.get(part=Part.TARGET).person == personas.pupil


def test_without_javascript_an_ambiguous_name_offers_a_choice(personas, client):
    twin = person(personas.school, Role.PUPIL, name="Poppy Twin")
    sign_in(client, personas.teacher)
    data = log_form_data(personas, **{"people-0-person": "", "people-0-person_search": "poppy"})
    response = client.post(reverse("incident-create"), data)
    page = response.content.decode()
    assert response.status_code == 200 and "2 people match “poppy”" in page
    assert f'name="people-0-person_choice" value="{twin.pk}"' in page  # a radio to pick
    assert "There is a problem" in page and 'href="#id_people-0-person_search"' in page
    data["people-0-person_choice"] = twin.pk
    assert client.post(reverse("incident-create"), data).status_code == 302


def test_someone_of_another_school_cannot_be_picked_or_searched(personas, client):
    sign_in(client, personas.other_school_teacher)
    assert search(client, personas.school, "poppy").status_code == 404
    data = log_form_data(personas, school=personas.other_school.slug)
    data["people-0-person"] = personas.pupil.pk
    data["people-0-person_search"] = str(personas.pupil)
    response = client.post(reverse("incident-create") + "?school=elmridge", data)
    assert response.status_code == 200 and not Incident.objects.exists()


def test_the_chair_searches_only_through_the_incident_and_never_finds_the_head(personas, client):
    incident = report(personas.school, personas.teacher, subject=Subject.HEADTEACHER)
    sign_in(client, personas.chair)
    assert search(client, personas.school, "hana").status_code in (403, 404)
    url = reverse("people-search")
    staff = client.get(url, {"incident": incident.pk, "q": "hana", "staff": "1"})
    assert staff.status_code == 200 and "Hana Head" not in staff.content.decode()
    found = client.get(url, {"incident": incident.pk, "q": "terry", "staff": "1"})
    assert "Terry Teacher" in found.content.decode()
    page = client.get(reverse("incident-action", args=[incident.pk, "note"])).content.decode()
    assert "Terry Teacher" not in page and "Hana Head" not in page  # nothing pre-loaded


def test_an_action_can_be_given_with_the_picker(personas, client):
    incident = report(personas.school, personas.teacher)
    services.acknowledge(incident=incident, by=personas.esafety_officer)
    sign_in(client, personas.esafety_officer)
    url = reverse("incident-action", args=[incident.pk, "note"])
    response = client.post(
        url,
        {
            "text": "Talk to the class",
            "owner": personas.teacher.pk,
            "owner_search": str(personas.teacher),
            "due_on": "2026-12-04",
        },
    )
    assert response.status_code == 302
    assert incident.timeline.get(kind="action").owner == personas.teacher
    pupil = client.post(url, {"text": "x", "owner_search": "poppy"})
    assert pupil.status_code == 400 and "No one matches" in pupil.content.decode()


def test_a_sanction_is_applied_to_a_pupil_found_with_the_picker(personas, client):
    """The sanction form uses the picker (nothing pre-loaded); a pupil already involved
    keeps their part, one not yet on the incident is added as the alleged perpetrator."""
    add_pupils(personas.school, 30)
    entry = {"person": personas.pupil, "name": "", "kind": "pupil", "part": Part.TARGET}
    incident = report(personas.school, personas.teacher, people=[entry])
    services.acknowledge(incident=incident, by=personas.esafety_officer)
    sign_in(client, personas.esafety_officer)
    url = reverse("incident-action", args=[incident.pk, "sanction"])
    page = client.get(url).content.decode()
    assert 'role="combobox"' in page and "Pupil 0001 Bulk" not in page
    assert f"incident={incident.pk}" in page  # searches through the incident's rule
    today = timezone.localdate()  # offered as the date applied, in the form a browser reads
    assert f'type="date" name="applied_on" value="{today:%Y-%m-%d}"' in page
    data = {"description": "Loss of break time", "applied_on": "2026-11-27"}
    assert client.post(url, {**data, "person_search": "poppy"}).status_code == 302
    sanction = incident.sanctions.get()
    assert sanction.person.person == personas.pupil and sanction.person.part == Part.TARGET
    assert client.post(url, {**data, "person_search": "pupil 0007"}).status_code == 302
    added = incident.people.get(person__full_name="Pupil 0007 Bulk")
    assert added.part == Part.ALLEGED and incident.sanctions.filter(person=added).exists()
    refused = client.post(url, {**data, "person_search": str(personas.other_school_teacher)})
    assert refused.status_code == 400 and "No one matches" in refused.content.decode()


def test_a_pupils_chronology_is_found_with_the_picker(personas, client):
    """The officer types a pupil's name; only pupils are offered (never staff), and one
    match goes straight to that pupil's chronology."""
    add_pupils(personas.school, 30)
    entry = {"person": personas.pupil, "name": "", "kind": "pupil", "part": Part.TARGET}
    report(personas.school, personas.teacher, people=[entry])
    sign_in(client, personas.esafety_officer)
    url = reverse("pupil-chronology-find", args=[personas.school.slug])
    page = client.get(url).content.decode()
    assert 'role="combobox"' in page and "pupils=1" in page and "Pupil 0001 Bulk" not in page
    assert (
        "Terry Teacher" not in search(client, personas.school, "terry", pupils="1").content.decode()
    )
    response = client.get(url, {"pupil_search": "poppy"})
    assert response.status_code == 302
    assert response.url == reverse(
        "pupil-chronology", args=[personas.school.slug, personas.pupil.pk]
    )
    staff = client.get(url, {"pupil_search": "terry"})
    assert staff.status_code == 400 and "No one matches" in staff.content.decode()
    several = client.get(url, {"pupil_search": "pupil 000"}).content.decode()
    assert "people match" in several and 'name="pupil_choice"' in several
    queue = client.get(reverse("incident-queue")).content.decode()
    assert url in queue
