"""Device records and incidents link both ways: an incident tagged "data breach" offers a
breach record; searches and confiscations cite incidents; a pupil's chronology shows their
confiscations and searches."""

import pytest
from django.urls import reverse
from django.utils import timezone

from devices import pupils
from devices.models import Breach, Confiscation, Search
from devices.tests import factories
from esafety.testing import sign_in
from incidents.models import IncidentTag
from incidents.tests.factories import report, shown_bare

pytestmark = pytest.mark.django_db


def page(client, name, *args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_an_incident_tagged_data_breach_offers_a_linked_breach_record(personas, client):
    tag = IncidentTag.objects.get(school=None, slug="data-breach")
    incident = report(personas.school, personas.teacher, tags=[tag])
    sign_in(client, personas.esafety_officer)
    offer = f"{reverse('breach-add', args=[personas.school.slug])}?incident={incident.pk}"
    assert offer in page(client, "incident-detail", incident.pk)
    response = client.post(
        offer,
        {
            "became_aware_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "what_happened": "A report was emailed to the wrong parent.",
            "data_affected": "One pupil's report",
            "people_affected": "One pupil",
        },
    )
    breach = Breach.objects.get()
    assert response.status_code == 302 and breach.incident == incident
    shown = page(client, "incident-detail", incident.pk)
    assert reverse("breach-detail", args=[breach.pk]) in shown and offer not in shown
    assert reverse("incident-detail", args=[incident.pk]) in page(
        client, "breach-detail", breach.pk
    )


def test_an_untagged_incident_offers_no_breach_record(personas, client):
    incident = report(personas.school, personas.teacher)
    sign_in(client, personas.esafety_officer)
    assert "Record a personal-data breach" not in page(client, "incident-detail", incident.pk)


def test_a_bad_incident_id_on_the_breach_form_is_not_found(personas, client):
    sign_in(client, personas.esafety_officer)
    url = reverse("breach-add", args=[personas.school.slug])
    for bad in ("abc", "99999999999999999999999", "-1"):
        assert client.get(f"{url}?incident={bad}").status_code == 404


def test_a_confiscation_cites_an_incident_and_both_pages_link(personas, client):
    incident = report(personas.school, personas.teacher)
    sign_in(client, personas.teacher)
    data = {
        "pupil": personas.pupil.pk,
        "description": "Black phone in a blue case",
        "reason": "Filming in the changing room",
        "confiscated_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "held_where": "The office safe",
        "incident_number": "NO-SUCH",
    }
    url = reverse("confiscation-add", args=[personas.school.slug])
    refused = client.post(url, data)
    assert refused.status_code == 400 and "There is no incident NO-SUCH" in refused.content.decode()
    assert client.post(url, {**data, "incident_number": incident.number}).status_code == 302
    confiscation = Confiscation.objects.get()
    assert confiscation.incident == incident
    sign_in(client, personas.esafety_officer)
    assert reverse("confiscation-detail", args=[confiscation.pk]) in page(
        client, "incident-detail", incident.pk
    )
    assert reverse("incident-detail", args=[incident.pk]) in page(
        client, "confiscation-detail", confiscation.pk
    )


def test_another_schools_incident_cannot_be_cited(personas):
    theirs = report(personas.other_school, personas.other_school_teacher)
    with pytest.raises(pupils.ValidationError, match="no incident"):
        pupils.confiscate(
            school=personas.school,
            pupil=personas.pupil,
            by=personas.esafety_officer,
            description="Phone",
            reason="In a lesson",
            held_where="Office",
            incident_number=theirs.number,
        )


def test_a_search_from_a_confiscation_is_linked_to_it(personas, client):
    confiscation = factories.confiscation(personas)
    sign_in(client, personas.teacher)
    detail = page(client, "confiscation-detail", confiscation.pk)
    url = f"{reverse('search-add', args=[personas.school.slug])}?confiscation={confiscation.pk}"
    assert url in detail
    response = client.post(
        url,
        {
            "pupil": personas.pupil.pk,
            "searched_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "reason": "Told it held pupils' photos",
            "looked_for": "Photos of pupils",
            "suspected_nude_imagery": "on",
        },
    )
    search = Search.objects.get()
    assert response.status_code == 302 and search.confiscation == confiscation
    assert search.incident is not None
    sign_in(client, personas.esafety_officer)
    assert reverse("search-detail", args=[search.pk]) in page(
        client, "incident-detail", search.incident.pk
    )
    assert reverse("search-detail", args=[search.pk]) in page(
        client, "confiscation-detail", confiscation.pk
    )


def test_the_chronology_shows_a_pupils_confiscations_and_searches(personas, client):
    confiscation = factories.confiscation(personas)
    search = factories.search(personas)
    sign_in(client, personas.esafety_officer)
    shown = page(client, "pupil-chronology", personas.school.slug, personas.pupil.pk)
    assert "Confiscations and searches" in shown
    assert reverse("confiscation-detail", args=[confiscation.pk]) in shown
    assert reverse("search-detail", args=[search.pk]) in shown


def test_an_incident_is_found_by_its_reference_as_shown_or_its_bare_number(personas):
    p = personas
    ours = report(p.school, p.teacher)
    theirs = report(p.other_school, p.other_school_teacher)
    assert ours.reference == f"OAK-{ours.number}" and theirs.number == ours.number
    typed = (ours.reference, ours.number, f"  {ours.reference.lower()} ", ours.number.lower())
    for value in typed:
        assert pupils.find_incident(p.school, p.teacher, value) == ours, value
    assert pupils.find_incident(p.school, p.teacher, "  ") is None
    # Another school's letters never find this school's incident of the same number.
    for value in (theirs.reference, f"elm-{ours.number}", f"XYZ-{ours.number}"):
        with pytest.raises(pupils.ValidationError) as refused:
            pupils.find_incident(p.school, p.teacher, value)
        assert refused.value.message_dict == {
            "incident_number": [f"There is no incident {value} here that you can see."]
        }


def test_device_records_show_the_incident_by_its_reference(personas, client):
    p = personas
    incident = report(p.school, p.teacher)
    sign_in(client, p.teacher)
    url = reverse("confiscation-add", args=[p.school.slug])
    form = page(client, "confiscation-add", p.school.slug)
    assert "Incident reference (optional)" in form
    assert f"For example OAK-{timezone.localdate().year}-0001." in form
    data = {
        "pupil": p.pupil.pk,
        "description": "Black phone in a blue case",
        "reason": "Filming in the changing room",
        "confiscated_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "held_where": "The office safe",
        "incident_number": f" {incident.reference.lower()} ",
    }
    assert client.post(url, data).status_code == 302
    confiscation = Confiscation.objects.get()
    assert confiscation.incident == incident
    search = factories.search(p, incident=incident)
    sign_in(client, p.esafety_officer)
    shown = [
        page(client, "confiscation-detail", confiscation.pk),
        page(client, "search-detail", search.pk),
        page(client, "pupil-devices", p.school.slug, p.pupil.pk),
        page(client, "pupil-chronology", p.school.slug, p.pupil.pk),
        # A search begun from the confiscation cites the incident as it is shown.
        client.get(
            f"{reverse('search-add', args=[p.school.slug])}?confiscation={confiscation.pk}"
        ).content.decode(),
    ]
    for text in shown:
        assert incident.reference in text and not shown_bare(text, incident)


def test_a_breach_record_shows_the_incident_by_its_reference(personas, client):
    tag = IncidentTag.objects.get(school=None, slug="data-breach")
    incident = report(personas.school, personas.teacher, tags=[tag])
    sign_in(client, personas.esafety_officer)
    offer = f"{reverse('breach-add', args=[personas.school.slug])}?incident={incident.pk}"
    form = client.get(offer).content.decode()
    assert f"See incident {incident.reference}." in form and not shown_bare(form, incident)
    breach = factories.breach(personas, incident=incident)
    shown = page(client, "breach-detail", breach.pk)
    assert f"Incident {incident.reference}</a>" in shown and not shown_bare(shown, incident)
