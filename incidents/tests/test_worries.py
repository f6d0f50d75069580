"""Pupils and parents report a worry: it reaches the e-safety officer's queue marked as
theirs, an anonymous one keeps no trace of who sent it, and nothing is shown back but a
thank-you and a helpline."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from esafety.models import Notification
from esafety.testing import sign_in
from incidents.models import Answer, Incident, IncidentPerson, Source, Subject, TimelineEntry
from incidents.worries import SENDS_PER_HOUR

pytestmark = pytest.mark.django_db

WORRY = {
    "about": "me",
    "what": "Someone I don't know keeps messaging me on a game.",
    "where": "online",
}


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()  # the hour's send counters


def _send(client, p, **changes):
    return client.post(reverse("worry-pupil", args=[p.school.slug]), {**WORRY, **changes})


def test_a_pupils_worry_reaches_the_officer_marked_as_a_pupils(personas, client):
    sign_in(client, personas.pupil)
    reply = _send(client, personas, send_name="on")
    assert reply.status_code == 302
    assert reply.url == reverse("worry-thanks", args=[personas.school.slug])
    incident = Incident.objects.get()
    assert incident.source == Source.PUPIL and incident.reported_by == personas.pupil
    assert incident.routed_to == personas.esafety_officer
    assert incident.child_at_risk_now == Answer.NOT_SURE  # first on the queue
    assert "keeps messaging me" in incident.description
    assert incident.people.get().person == personas.pupil
    sign_in(client, personas.esafety_officer)
    queue = client.get(reverse("incident-queue")).content.decode()
    assert incident.reference in queue and "Reported by a pupil" in queue
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "Poppy Pupil" in page


def test_an_anonymous_report_keeps_no_link_to_the_pupil(personas, client):
    sign_in(client, personas.pupil)
    assert _send(client, personas).status_code == 302  # send_name unticked
    incident = Incident.objects.get()
    assert incident.reported_by is None and not incident.people.exists()
    histories = [
        *incident.history.all(),
        *IncidentPerson.history.filter(incident_id=incident.pk),
        *TimelineEntry.history.filter(incident_id=incident.pk),
    ]
    assert histories and all(h.history_user_id is None for h in histories)
    assert all(e.created_by_id is None for e in incident.timeline.all())
    stored = " ".join(str(v) for v in Incident.objects.values().get().values())
    assert "127.0.0.1" not in stored and "Poppy" not in stored
    assert not Notification.objects.filter(recipient=personas.pupil).exists()
    sign_in(client, personas.esafety_officer)
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "sent without a name" in page and "Poppy Pupil" not in page


def test_the_page_works_without_signing_in(personas, client):
    page = client.get(reverse("worry-pupil", args=[personas.school.slug]))
    assert page.status_code == 200 and "without your name" in page.content.decode()
    assert _send(client, personas).status_code == 302
    assert Incident.objects.get().reported_by is None


def test_nobody_below_the_officer_sees_a_pupils_report(personas, client):
    sign_in(client, personas.pupil)
    _send(client, personas, send_name="on")
    incident = Incident.objects.get()
    for name in ("teacher", "technician", "pupil", "parent", "trustee"):
        person = getattr(personas, name)
        assert not Incident.objects.visible_to(person).exists(), name
        sign_in(client, person)
        assert client.get(incident.get_absolute_url()).status_code in (403, 404), name
    for name in ("esafety_officer", "headteacher"):
        assert Incident.objects.visible_to(getattr(personas, name)).exists(), name


def test_a_worry_about_an_adult_at_school_goes_to_the_headteacher(personas, client):
    _send(client, personas, about="adult", what="A teacher sent me a friend request.")
    incident = Incident.objects.get()
    assert incident.subject == Subject.STAFF and incident.routed_to == personas.headteacher


def test_only_a_thank_you_and_a_helpline_come_back(personas, client):
    reply = _send(client, personas)
    page = client.get(reply.url).content.decode()
    assert "Thank you for telling us" in page and "0800 1111" in page
    assert Incident.objects.get().reference not in page


def test_a_few_sends_an_hour_from_one_place(personas, client):
    for n in range(SENDS_PER_HOUR):
        assert _send(client, personas, what=f"Worry {n}").status_code == 302
    refused = _send(client, personas, what="One more")
    assert refused.status_code == 429 and "Childline" in refused.content.decode()
    assert Incident.objects.count() == SENDS_PER_HOUR


def test_a_program_filling_every_box_sends_nothing(personas, client):
    assert _send(client, personas, website="http://spam.example").status_code == 302
    assert not Incident.objects.exists()


def test_a_double_click_sends_it_once(personas, client):
    token = {"once": "worry-token-0000001"}
    assert _send(client, personas, **token).status_code == 302
    assert _send(client, personas, **token).status_code == 302
    assert Incident.objects.count() == 1


@pytest.mark.parametrize(
    "change, message",
    [
        ({"what": ""}, "This field is required"),
        ({"about": "nobody"}, "Select a valid choice"),
        ({"where": ""}, "This field is required"),
        ({"what": "x" * 4001}, "at most 4000 characters"),
    ],
)
def test_bad_input_gets_a_message(personas, client, change, message):
    page = _send(client, personas, **change)
    assert page.status_code == 400 and message in page.content.decode()
    assert not Incident.objects.exists()


def test_a_parent_reports_a_worry_about_their_child(personas, client):
    sign_in(client, personas.parent)
    path = reverse("worry-parent", args=[personas.school.slug])
    sent = {
        "about": "my_child",
        "child": personas.pupil.pk,
        "what": "Strange texts.",
        "where": "online",
    }
    reply = client.post(path, sent)
    assert reply.url == reverse("worry-parent-thanks", args=[personas.school.slug])
    incident = Incident.objects.get()
    assert incident.source == Source.PARENT and incident.reported_by == personas.parent
    assert incident.people.get().person == personas.pupil
    thanks = client.get(reply.url).content.decode()
    assert "0808 800 5000" in thanks and incident.reference not in thanks


def test_a_parent_cannot_name_another_familys_child(personas, client):
    other = type(personas.pupil).objects.create(email="x@example.org", full_name="Other Child")
    sign_in(client, personas.parent)
    path = reverse("worry-parent", args=[personas.school.slug])
    sent = {"about": "pupil", "child": other.pk, "what": "Texts.", "where": "online"}
    page = client.post(path, sent)
    assert page.status_code == 400 and "Select a valid choice" in page.content.decode()


def test_pupils_and_parents_find_it_on_their_home_page(personas, client):
    for who, name in ((personas.pupil, "worry-pupil"), (personas.parent, "worry-parent")):
        sign_in(client, who)
        home = client.get(reverse("home")).content.decode()
        assert reverse(name, args=[personas.school.slug]) in home
