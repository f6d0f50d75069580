"""The log form as a busy teacher meets it: "when" defaults to now, impossible dates are
refused with a clear message in a GOV.UK error summary, the illegal-material steps appear
only when relevant, and technicians can log too. And the queue says who and what."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from esafety.testing import sign_in
from incidents.models import Incident, IncidentTag, Subject
from incidents.tests.factories import report
from incidents.tests.test_pages import log_form_data

pytestmark = pytest.mark.django_db


def test_when_it_happened_defaults_to_now(personas, client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 20, 10, 30, tzinfo=datetime.UTC), tick=False)
    sign_in(client, personas.teacher)
    page = client.get(reverse("incident-create")).content.decode()
    assert 'value="2026-11-20T10:30"' in page


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (timezone.now() + datetime.timedelta(days=2), "can&#x27;t be in the future"),
        (timezone.now() - datetime.timedelta(days=365 * 11), "more than 10 years ago"),
    ],
)
def test_impossible_dates_are_refused_in_the_error_summary(personas, client, when, message):
    sign_in(client, personas.teacher)
    local = timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("incident-create"), log_form_data(personas, occurred_at=local))
    page = response.content.decode()
    assert response.status_code == 200 and not Incident.objects.exists()
    assert "There is a problem" in page and message in page
    assert 'href="#id_occurred_at"' in page


def test_error_summary_links_to_radio_groups(personas, client):
    sign_in(client, personas.teacher)
    response = client.post(reverse("incident-create"), log_form_data(personas, subject=""))
    assert 'href="#id_subject_0"' in response.content.decode()


def test_illegal_material_guidance_is_not_open_on_every_report(personas, client):
    sign_in(client, personas.teacher)
    page = client.get(reverse("incident-create")).content.decode()
    assert '<details class="alert alert-danger py-2" id="illegal-guidance"' in page
    assert 'id="illegal-guidance" data-forbidding-kinds' in page
    assert "open>" not in page.split('id="illegal-guidance"')[1].split("<summary")[0]
    nudes = IncidentTag.objects.filter(forbids_images=True).first()
    if nudes:
        assert str(nudes.pk) in page.split("data-forbidding-kinds=")[1][:40]
    data = log_form_data(personas, suspected_illegal_material="on", description="")
    page = client.post(reverse("incident-create"), data).content.decode()
    assert 'data-forbidding-kinds="' in page
    assert page.split('id="illegal-guidance"')[1].split("<summary")[0].rstrip().endswith("open>")


def test_a_technician_logs_a_filtering_breach(personas, client):
    sign_in(client, personas.technician)
    response = client.post(reverse("incident-create"), log_form_data(personas))
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.reported_by == personas.technician
    assert client.get(reverse("incident-detail", args=[incident.pk])).status_code == 200
    other = report(personas.school, personas.teacher)
    assert client.get(reverse("incident-detail", args=[other.pk])).status_code == 404


def test_the_queue_says_who_and_what_and_puts_urgent_first(personas, client):
    calm = report(
        personas.school,
        personas.teacher,
        description="Calm matter about a game",
        people=[{"person": personas.pupil, "name": "", "kind": "pupil", "part": "target"}],
        category="pupil_a",
    )
    urgent = report(
        personas.school, personas.teacher, description="Grooming worry", category="pupil_d"
    )
    staff = report(
        personas.school, personas.teacher, subject=Subject.STAFF, description="Staff phone use"
    )
    sign_in(client, personas.esafety_officer)
    page = client.get(reverse("incident-queue")).content.decode()
    table = page.split('<div class="d-md-none">')[0]
    assert "<bdi>Poppy Pupil</bdi></span>: <bdi>Calm matter about a game</bdi>" in table
    assert "Pupil category A" in table
    order = [table.index(i.reference + "<") for i in (urgent, staff, calm)]
    assert order == sorted(order)  # urgent ones first, whatever their deadline
    assert "Urgent" in table and "concern about a member of staff or volunteer" in table
    cards = page.split('<div class="d-md-none">')[1]
    assert "Poppy Pupil" in cards and "Grooming worry" in cards  # the same on a phone
