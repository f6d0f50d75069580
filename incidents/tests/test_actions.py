"""An action given to a colleague: they see that action (and nothing else of the
incident), find it on "My actions" and their home page, mark it done with a note, and the
officer sees who has done what."""

import datetime

import pytest
from django.urls import reverse

from esafety.models import Notification, Role, StaffType
from esafety.testing import person, sign_in
from incidents import services
from incidents.models import Subject
from incidents.tests.factories import report

pytestmark = pytest.mark.django_db

SECRET = "A pupil was sent unkind messages by a named classmate."


@pytest.fixture
def assistant(personas):
    return person(
        personas.school, Role.STAFF, name="Tia Assistant", staff_type=StaffType.TEACHING_ASSISTANT
    )


@pytest.fixture
def action(personas, assistant):
    incident = report(personas.school, personas.teacher, description=SECRET)
    services.acknowledge(incident=incident, by=personas.esafety_officer)
    return services.add_timeline_entry(
        incident=incident,
        by=personas.esafety_officer,
        text="Check the class laptops' history",
        owner=assistant,
        due_on=datetime.date(2026, 12, 4),
    )


def test_the_notification_opens_the_action_not_a_404(personas, assistant, action, client):
    notification = Notification.objects.get(recipient=assistant)
    sign_in(client, assistant)
    response = client.get(reverse("notification-open", args=[notification.pk]), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Check the class laptops&#x27; history" in page
    assert action.incident.number in page and "Oakwood Primary" in page
    assert "4 Dec 2026" in page


def test_the_action_holder_sees_nothing_else_of_the_incident(personas, assistant, action, client):
    sign_in(client, assistant)
    page = client.get(reverse("action-detail", args=[action.pk])).content.decode()
    assert SECRET not in page and "Poppy Pupil" not in page
    assert reverse("incident-detail", args=[action.incident_id]) not in page
    for name in ("incident-detail", "incident-pdf"):
        assert client.get(reverse(name, args=[action.incident_id])).status_code == 404
    note = reverse("incident-action", args=[action.incident_id, "note"])
    assert client.get(note).status_code == 404


def test_someone_else_cannot_open_the_action(personas, action, client):
    sign_in(client, personas.teacher)  # the reporter, but not the action's holder
    assert client.get(reverse("action-detail", args=[action.pk])).status_code == 404


def test_the_holder_marks_it_done_with_a_note_and_the_officer_sees_it(
    personas, assistant, action, client
):
    sign_in(client, assistant)
    url = reverse("action-detail", args=[action.pk])
    assert client.post(url, {"note": ""}).status_code == 400  # the note is required
    response = client.post(url, {"note": "History checked: nothing found."})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_by == assistant and action.done_note == "History checked: nothing found."
    assert action.history.first().history_user == assistant
    client.logout()
    sign_in(client, personas.esafety_officer)
    page = client.get(reverse("incident-detail", args=[action.incident_id])).content.decode()
    assert "by <bdi>Tia Assistant</bdi>" in page and "History checked: nothing found." in page


def test_my_actions_page_and_home_panel_list_it(personas, assistant, action, client):
    sign_in(client, assistant)
    mine = client.get(reverse("my-actions")).content.decode()
    assert "Check the class laptops" in mine and action.incident.reference in mine
    home = client.get(reverse("home")).content.decode()
    assert "Your actions" in home and "Check the class laptops" in home
    services.complete_action(entry=action, by=assistant, note="Done")
    home = client.get(reverse("home")).content.decode()
    assert "Your actions" not in home


def test_a_headteacher_never_sees_an_action_on_a_concern_about_them(personas, client):
    incident = report(personas.school, personas.teacher, subject=Subject.HEADTEACHER)
    entry = services.add_timeline_entry(
        incident=incident, by=personas.chair, text="Secure the laptop", owner=personas.headteacher
    )
    sign_in(client, personas.headteacher)
    assert client.get(reverse("action-detail", args=[entry.pk])).status_code == 404
    assert "Secure the laptop" not in client.get(reverse("my-actions")).content.decode()
