"""Confiscations (held, released, reminded after school) and searches (DfE 2022, UKCIS)."""

import datetime
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from devices import pupils
from devices.models import Confiscation, Search
from devices.tests import factories
from devices.tests.test_loans import run_devices_sweep
from esafety.models import Notification, Role, StaffType
from esafety.testing import person, sign_in
from incidents import services as incident_services

pytestmark = pytest.mark.django_db


def _at(school, day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=school.tz)


def test_a_teacher_confiscates_and_the_office_releases_to_a_parent(personas, client):
    office = person(personas.school, Role.STAFF, name="Olive Office", staff_type=StaffType.OFFICE)
    sign_in(client, personas.teacher)
    response = client.post(
        reverse("confiscation-add", args=[personas.school.slug]),
        {
            "pupil": personas.pupil.pk,
            "description": "Black phone in a blue case",
            "reason": "Used in a lesson after a warning",
            "confiscated_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "held_where": "The office safe",
        },
    )
    confiscation = Confiscation.objects.get()
    assert response.status_code == 302 and confiscation.confiscated_by == personas.teacher
    sign_in(client, personas.teacher)
    release = reverse("confiscation-release", args=[confiscation.pk])
    assert client.get(release).status_code == 403
    sign_in(client, office)
    held = client.get(reverse("confiscations", args=[personas.school.slug]))
    assert list(held.context["held"]) == [confiscation]
    response = client.post(
        release,
        {"released_to": "Pat Parent", "when": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    confiscation.refresh_from_db()
    assert confiscation.released_to == "Pat Parent" and confiscation.released_by == office
    with pytest.raises(ValidationError, match="already been released"):
        pupils.release(confiscation=confiscation, by=office, released_to="Someone")


def test_a_device_held_after_the_school_day_reminds_once(personas):
    office = person(personas.school, Role.STAFF, name="Olive Office", staff_type=StaffType.OFFICE)
    school = personas.school
    day = timezone.localdate() - timedelta(days=1)
    confiscation = factories.confiscation(personas, confiscated_at=_at(school, day, 10))
    run_devices_sweep(_at(school, day, 16, 59))
    assert not Notification.objects.filter(title__contains="still held").exists()
    run_devices_sweep(_at(school, day, 17, 5))
    run_devices_sweep(_at(school, day, 17, 30))
    for who in (personas.teacher, office):
        assert Notification.objects.filter(recipient=who, title__contains="still held").count() == 1
    pupils.release(confiscation=confiscation, by=office, released_to="Pat Parent")
    run_devices_sweep(_at(school, day + timedelta(days=1), 17, 5))
    assert Notification.objects.filter(recipient=office, title__contains="still held").count() == 1


def _search_data(personas, **extra):
    return {
        "pupil": personas.pupil.pk,
        "searched_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "witness": personas.esafety_officer.pk,
        "reason": "Another pupil said images were being shared",
        "looked_for": "A phone",
        "found": "A phone",
        **extra,
    }


def test_suspected_imagery_opens_a_linked_incident_for_the_dsl(personas, client):
    sign_in(client, personas.teacher)
    form = client.get(reverse("search-add", args=[personas.school.slug])).content.decode()
    assert "Do not view, copy, print, share" in form
    response = client.post(
        reverse("search-add", args=[personas.school.slug]),
        _search_data(personas, suspected_nude_imagery="on"),
    )
    assert response.status_code == 302
    search = Search.objects.get()
    incident = search.incident
    assert [t.slug for t in incident.tags.all()] == ["sharing-nudes"]
    assert incident.routed_to == personas.esafety_officer and search.dsl_told_at
    assert incident.timeline.filter(text__contains=search.get_absolute_url()).exists()
    assert incident.people.get().person == personas.pupil
    # The incident refuses images, whatever they are called.
    image = SimpleUploadedFile("notes.txt", b"\x89PNG\r\n\x1a\nxxxx", content_type="text/plain")
    with pytest.raises(ValidationError, match="can't be attached"):
        incident_services.attach_evidence(
            incident=incident, by=personas.esafety_officer, upload=image
        )


def test_a_search_refuses_any_attachment(personas, client):
    sign_in(client, personas.teacher)
    upload = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0rest", content_type="image/jpeg")
    response = client.post(
        reverse("search-add", args=[personas.school.slug]),
        {**_search_data(personas, suspected_nude_imagery="on"), "photo": upload},
    )
    assert response.status_code == 400
    assert "No file can be attached to a search record" in response.content.decode()
    assert not Search.objects.exists()


def test_a_search_without_imagery_opens_no_incident(personas):
    search = pupils.record_search(
        school=personas.school,
        pupil=personas.pupil,
        by=personas.teacher,
        reason="Vape reported",
        looked_for="A vape",
    )
    assert search.incident is None


def test_examining_a_device_needs_a_reason(personas, client):
    sign_in(client, personas.teacher)
    response = client.post(
        reverse("search-add", args=[personas.school.slug]),
        _search_data(personas, device_examined="on"),
    )
    assert response.status_code == 400
    assert "Say why the device was examined." in response.content.decode()


def test_the_officer_sees_a_pupils_confiscations_beside_their_chronology(personas, client):
    factories.confiscation(personas)
    sign_in(client, personas.esafety_officer)
    page = client.get(reverse("pupil-devices", args=[personas.school.slug, personas.pupil.pk]))
    assert page.status_code == 200 and "Black phone in a blue case" in page.content.decode()
