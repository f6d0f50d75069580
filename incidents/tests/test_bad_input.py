"""Bad input on the incident pages gets a clear message, never a server error (issue 9)."""

import time

import pytest
from django.urls import reverse

from esafety.testing import sign_in
from incidents import services
from incidents.models import Incident, IncidentTag
from incidents.tests.factories import report
from incidents.tests.test_pages import log_form_data

pytestmark = pytest.mark.django_db


def test_an_amendment_reason_over_100_characters_is_refused_with_a_message(personas, client):
    incident = report(personas.school, personas.teacher, description="First version")
    sign_in(client, personas.esafety_officer)
    url = reverse("incident-action", args=[incident.pk, "amend"])
    fields = {"location": "online", "description": "Corrected", "category": "pupil_b"}
    response = client.post(url, {**fields, "reason": "r" * 101})
    assert response.status_code == 400
    assert "at most 100 characters" in response.content.decode()
    incident.refresh_from_db()
    assert incident.description == "First version"


def test_a_nul_byte_in_the_school_parameter_gets_a_clear_400(personas, client):
    sign_in(client, personas.teacher)
    response = client.get(reverse("incident-create"), {"school": "oakwood\x00"})
    assert response.status_code == 400
    assert "character that can't be used" in response.content.decode()


@pytest.mark.parametrize(
    "names",
    [("Dup Kind", "dup-kind!"), ("\u0645\u0636\u0627\u064a\u0642\u0629", "\u9a9a\u6270")],
    ids=["same-slug", "no-latin-letters"],
)
def test_two_kinds_whose_names_give_the_same_slug_are_both_added(personas, client, names):
    sign_in(client, personas.esafety_officer)
    url = reverse("incident-kinds", args=[personas.school.slug])
    for name in names:
        assert client.post(url, {"name": name}).status_code == 302
    kinds = IncidentTag.objects.filter(school=personas.school, name__in=names)
    assert kinds.count() == 2 and len({k.slug for k in kinds}) == 2


def test_a_kind_named_only_with_a_zero_width_space_is_refused(personas, client):
    sign_in(client, personas.esafety_officer)
    url = reverse("incident-kinds", args=[personas.school.slug])
    response = client.post(url, {"name": "\u200b"})
    assert "only invisible characters" in response.content.decode()
    assert not IncidentTag.objects.filter(school=personas.school).exists()


def test_a_forged_count_of_people_is_refused_at_once(personas, client):
    sign_in(client, personas.teacher)
    data = log_form_data(personas, **{"people-TOTAL_FORMS": "999999"})
    started = time.process_time()  # CPU time: a busy machine doesn't make it fail
    response = client.post(reverse("incident-create"), data)
    assert time.process_time() - started < 2
    assert response.status_code == 200 and "at most 20" in response.content.decode()
    assert not Incident.objects.exists()


def test_a_negative_count_of_people_is_refused(personas, client):
    sign_in(client, personas.teacher)
    data = log_form_data(personas, **{"people-TOTAL_FORMS": "-1"})
    response = client.post(reverse("incident-create"), data)
    assert "sent incomplete" in response.content.decode()
    assert not Incident.objects.exists()


def test_a_happened_date_in_year_1_is_refused(personas, client):
    sign_in(client, personas.teacher)
    data = log_form_data(personas, occurred_at="0001-01-01T10:30")
    response = client.post(reverse("incident-create"), data)
    assert "Check the year" in response.content.decode()
    assert not Incident.objects.exists()


# Each dated step on an incident, with the rest of a valid form.
DATED_STEPS = {
    "note": ("due_on", {"text": "Follow up"}),
    "referral": ("referred_on", {"agency": "police"}),
    "sanction": ("applied_on", {"description": "Loss of break time"}),
    "review-date": ("review_date", {}),
    "parents": ("when", {"informed": "yes"}),
}


@pytest.mark.parametrize("year", ["0001", "9999"])
@pytest.mark.parametrize("step", DATED_STEPS)
def test_dates_no_one_means_are_refused_on_every_dated_step(personas, client, step, year):
    incident = report(personas.school, personas.teacher)
    sign_in(client, personas.esafety_officer)
    field, rest = DATED_STEPS[step]
    value = f"{year}-01-01T10:00" if field == "when" else f"{year}-01-01"
    before = incident.timeline.count()
    response = client.post(
        reverse("incident-action", args=[incident.pk, step]), {**rest, field: value}
    )
    assert response.status_code == 400 and "Check the year" in response.content.decode()
    assert incident.timeline.count() == before


def test_the_service_gives_kinds_unique_slugs(personas):
    first = services.add_incident_kind(school=personas.school, by=None, name="Dup Kind")
    second = services.add_incident_kind(school=personas.school, by=None, name="dup-kind!")
    assert first.slug == "dup-kind" and second.slug == "dup-kind-2"


def test_an_impossible_kind_id_is_not_a_valid_choice(personas, client):
    """A number too big for any id column used to reach the database (SQLite: a 500)."""
    sign_in(client, personas.teacher)
    data = log_form_data(personas, tags=["99999999999999999999999"])
    response = client.post(reverse("incident-create"), data)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Incident.objects.exists()
