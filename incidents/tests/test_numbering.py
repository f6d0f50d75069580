"""Concerns about staff and the headteacher are numbered in their own series, so a
headteacher's visible numbers have no gaps where a hidden record sits; numbers carry the
school's letters where more than one school can appear."""

import pytest
from django.urls import reverse

from esafety.testing import sign_in
from incidents.models import Incident, Subject
from incidents.tests.factories import report

pytestmark = pytest.mark.django_db


def test_the_heads_visible_numbers_have_no_gaps(personas):
    for subject in (Subject.PUPIL, Subject.PUPIL, Subject.HEADTEACHER, Subject.PUPIL):
        report(personas.school, personas.teacher, subject=subject)
    seen = Incident.objects.visible_to(personas.headteacher).order_by("reported_at")
    numbers = [int(n.rsplit("-", 1)[1]) for n in seen.values_list("number", flat=True)]
    assert numbers == [1, 2, 3]


def test_concerns_about_staff_have_their_own_series(personas):
    pupil = report(personas.school, personas.teacher)
    staff = report(personas.school, personas.teacher, subject=Subject.STAFF)
    head = report(personas.school, personas.teacher, subject=Subject.HEADTEACHER)
    year = pupil.number.split("-")[0]
    assert pupil.number == f"{year}-0001"
    assert (staff.number, head.number) == (f"{year}-A001", f"{year}-A002")


def test_each_school_counts_on_its_own(personas):
    first = report(personas.school, personas.teacher)
    other = report(personas.other_school, personas.other_school_teacher)
    assert first.number == other.number


def test_full_numbers_carry_the_schools_letters(personas):
    personas.school.code = "OAK"
    personas.school.save()
    incident = report(personas.school, personas.teacher)
    assert incident.full_number == f"OAK-{incident.number}"
    personas.other_school.code = ""
    assert report(personas.other_school, personas.other_school_teacher).full_number.startswith(
        "ELM-"
    )


def test_the_trust_queue_shows_school_letters(personas, client, trust_lead):
    personas.school.code = "OAK"
    personas.school.save()
    incident = report(personas.school, personas.teacher)
    sign_in(client, trust_lead)
    page = client.get(reverse("incident-queue")).content.decode()
    assert f"OAK-{incident.number}" in page


def test_a_one_school_queue_shows_plain_numbers(personas, client):
    personas.school.code = "OAK"
    personas.school.save()
    incident = report(personas.school, personas.teacher)
    sign_in(client, personas.esafety_officer)
    page = client.get(reverse("incident-queue")).content.decode()
    assert incident.number in page and f"OAK-{incident.number}" not in page
