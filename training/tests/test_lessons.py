"""An incident's education action can point to a lesson taught: the teacher it was given
to records the lesson, picks the action, and the action is marked done naming the lesson.
Nobody else's action can be picked."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from esafety.testing import sign_in
from incidents import services as incidents
from incidents.tests.factories import report, shown_bare
from training.models import Lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def education_action(personas):
    p = personas
    incident = report(p.school, p.headteacher, description="Unkind messages in a class chat.")
    incidents.acknowledge(incident=incident, by=p.esafety_officer)
    return incidents.add_timeline_entry(
        incident=incident,
        by=p.esafety_officer,
        text="Education: a lesson for Year 5 on kind messages online",
        owner=p.teacher,
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )


def lesson_data(**extra):
    return {
        "taught_on": timezone.localdate(),
        "year_group": 5,
        "class_name": "5B",
        "strand": "bullying",
        "topic": "Kind words online",
        **extra,
    }


def test_a_lesson_carries_out_the_incident_s_education_action(client, personas, education_action):
    p = personas
    sign_in(client, p.teacher)
    url = reverse("training-lessons")
    assert "Education: a lesson for Year 5" in client.get(url).content.decode()
    response = client.post(url, lesson_data(incident_action=education_action.pk))
    assert response.status_code == 302
    lesson = Lesson.objects.get()
    assert lesson.incident == education_action.incident
    education_action.refresh_from_db()
    assert education_action.done_by == p.teacher
    assert "Year 5 (5B): Online bullying, Kind words online" in education_action.done_note
    sign_in(client, p.esafety_officer)
    page = client.get(reverse("training-curriculum", args=[p.school.slug])).content.decode()
    assert f"after incident {education_action.incident.reference}" in page


def test_someone_else_s_action_cannot_be_picked(client, personas, education_action):
    p = personas
    sign_in(client, p.technician)
    url = reverse("training-lessons")
    assert "Carries out an action" not in client.get(url).content.decode()
    response = client.post(url, lesson_data(incident_action=education_action.pk))
    assert response.status_code == 302  # the unknown field is ignored: a plain lesson
    assert Lesson.objects.get().incident is None
    education_action.refresh_from_db()
    assert education_action.done_at is None


def test_lessons_name_the_incident_by_its_reference(client, personas, education_action):
    p = personas
    incident = education_action.incident
    sign_in(client, p.teacher)
    url = reverse("training-lessons")
    form = client.get(url).content.decode()
    assert f"{incident.reference}: Education: a lesson for Year 5" in form
    client.post(url, lesson_data(incident_action=education_action.pk))
    mine = client.get(url).content.decode()
    assert f"after incident {incident.reference}" in mine
    sign_in(client, p.esafety_officer)
    curriculum = client.get(reverse("training-curriculum", args=[p.school.slug])).content.decode()
    assert f"after incident {incident.reference}" in curriculum
    for page in (form, mine, curriculum):
        assert not shown_bare(page, incident)
