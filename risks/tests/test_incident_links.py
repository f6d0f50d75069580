"""Linked incidents: listed for those who may see them, only counted for the rest, and
never revealed (not even as a count) where the headteacher rule hides them."""

import pytest
from django.urls import reverse

from esafety.models import Role
from esafety.testing import person, sign_in
from incidents.models import Incident, Subject
from incidents.tests.factories import report, shown_bare
from risks import services
from risks.incident_links import incident_counts
from risks.models import FilteringReview
from risks.tests.factories import failed_check, make_risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(personas):
    risk = make_risk(personas.school, personas.esafety_officer, owners=[personas.technician])
    pupil = report(personas.school, personas.teacher)
    about_head = report(personas.school, personas.teacher, subject=Subject.HEADTEACHER)
    for incident in (pupil, about_head):
        services.link_incident(risk=risk, incident=incident, by=personas.esafety_officer)
    return risk, pupil, about_head


def test_the_officer_sees_both_incidents(personas, linked):
    risk, pupil, about_head = linked
    counts = incident_counts(risk, personas.esafety_officer)
    assert set(counts["visible"]) == {pupil, about_head}
    assert counts["total"] == 2 and counts["hidden"] == 0 and counts["since_assessed"] == 2


def test_a_concern_about_the_headteacher_is_not_even_counted_for_the_headteacher(
    personas, linked, client
):
    risk, pupil, about_head = linked
    counts = incident_counts(risk, personas.headteacher)
    assert counts["visible"] == [pupil]
    assert counts["total"] == 1 and counts["hidden"] == 0
    sign_in(client, personas.headteacher)
    page = client.get(reverse("risk-detail", args=[risk.pk])).content.decode()
    assert about_head.number not in page and "1 linked" in page


def test_an_owner_who_may_not_see_incidents_gets_counts_only(personas, linked, client):
    risk, pupil, about_head = linked
    sign_in(client, personas.technician)
    page = client.get(reverse("risk-detail", args=[risk.pk])).content.decode()
    assert "2 linked" in page and "2 of them are not shown" in page
    assert pupil.number not in page and about_head.number not in page


def test_an_incident_is_linked_once_and_only_within_its_school(personas):
    risk = make_risk(personas.school, personas.esafety_officer)
    incident = report(personas.school, personas.teacher)
    services.link_incident(risk=risk, incident=incident, by=personas.esafety_officer)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.link_incident(risk=risk, incident=incident, by=personas.esafety_officer)
    elsewhere = report(personas.other_school, personas.other_school_teacher)
    with pytest.raises(ValidationError):
        services.link_incident(risk=risk, incident=elsewhere, by=personas.esafety_officer)


def test_the_incident_page_links_to_a_risk_and_raises_a_new_one(personas, client):
    risk = make_risk(personas.school, personas.esafety_officer)
    incident = report(personas.school, personas.teacher)
    sign_in(client, personas.esafety_officer)
    page = client.get(reverse("incident-detail", args=[incident.pk])).content.decode()
    link_url = reverse("risk-link-incident", args=[incident.pk])
    assert link_url in page
    response = client.post(link_url, {"risk": risk.pk})
    assert response.status_code == 302 and risk.incident_links.get().incident == incident
    create = reverse("risk-create", args=[personas.school.slug]) + f"?incident={incident.pk}"
    response = client.post(
        create,
        {
            "title": "Pupils share game accounts",
            "description": "Seen in an incident",
            "category": "conduct",
            "owners": [personas.esafety_officer.pk],
            "inherent_likelihood": 2,
            "inherent_impact": 2,
            "likelihood": 1,
            "impact": 2,
            "likelihood_reason": "Rare",
            "impact_reason": "Some harm",
        },
    )
    assert response.status_code == 302
    new = personas.school.risks.get(number=2)
    assert new.incident_links.get().incident == incident
    assert new.assessment_label == "LOW (2)"


def test_linking_twice_with_a_double_click_links_once_and_lands_on_the_risk(personas, client):
    risk = make_risk(personas.school, personas.esafety_officer)
    incident = report(personas.school, personas.teacher)
    sign_in(client, personas.esafety_officer)
    link_url = reverse("risk-link-incident", args=[incident.pk])
    first = client.post(link_url, {"risk": risk.pk})
    second = client.post(link_url, {"risk": risk.pk}, follow=True)
    assert first.url == second.redirect_chain[0][0] == risk.get_absolute_url()
    assert f"is linked to {risk.reference}" in second.content.decode()
    assert risk.incident_links.count() == 1
    # Anything else not offered is still refused with a message, not a crash.
    refused = client.post(link_url, {"risk": "9" * 30})
    assert refused.status_code == 400
    assert "valid choice" in refused.content.decode()


# --- trust-wide risks (kept by the chair of trustees) ---------------------------------------


@pytest.fixture
def trust_risk(personas):
    return make_risk(
        None,
        personas.chair,
        trust=personas.school.trust,
        owners=[personas.trustee],
        title="One filtering provider for every school fails",
    )


def test_a_schools_incident_links_to_its_trusts_risk_from_the_incident_page(
    personas, client, trust_risk
):
    incident = report(personas.school, personas.teacher)
    sign_in(client, personas.esafety_officer)
    link_url = reverse("risk-link-incident", args=[incident.pk])
    assert (
        "T-001 One filtering provider for every school fails"
        in client.get(link_url).content.decode()
    )
    response = client.post(link_url, {"risk": trust_risk.pk})
    assert response.status_code == 302 and response.url == trust_risk.get_absolute_url()
    assert trust_risk.incident_links.get().incident == incident
    # The school's headteacher links another from their own school.
    second = report(personas.school, personas.teacher)
    sign_in(client, personas.headteacher)
    response = client.post(reverse("risk-link-incident", args=[second.pk]), {"risk": trust_risk.pk})
    assert response.status_code == 302 and trust_risk.incident_links.count() == 2


def test_another_trusts_risk_is_never_offered_nor_linked(personas, client, trust_risk):
    from django.core.exceptions import ValidationError

    from esafety.testing import SchoolFactory, TrustFactory

    faraway = SchoolFactory(trust=TrustFactory(name="Faraway Trust"), slug="faraway")
    incident = report(faraway, person(faraway, Role.STAFF))
    with pytest.raises(ValidationError):
        services.link_incident(risk=trust_risk, incident=incident, by=personas.chair)
    ours = report(personas.school, personas.teacher)
    sign_in(client, personas.esafety_officer)
    other_trust_risk = make_risk(None, personas.chair, trust=faraway.trust, title="Far away")
    response = client.post(
        reverse("risk-link-incident", args=[ours.pk]), {"risk": other_trust_risk.pk}
    )
    assert response.status_code == 400 and not other_trust_risk.incident_links.exists()


def test_a_trust_wide_risk_counts_each_persons_incidents_only(personas, client, trust_risk):
    pupil = report(personas.school, personas.teacher)
    about_head = report(personas.school, personas.teacher, subject=Subject.HEADTEACHER)
    elsewhere = report(personas.other_school, personas.other_school_teacher)
    for incident in (pupil, about_head):
        services.link_incident(risk=trust_risk, incident=incident, by=personas.esafety_officer)
    services.link_incident(
        risk=trust_risk, incident=elsewhere, by=personas.other_school_headteacher
    )
    assert incident_counts(trust_risk, personas.chair)["total"] == 3
    assert incident_counts(trust_risk, personas.esafety_officer)["total"] == 2
    counts = incident_counts(trust_risk, personas.other_school_headteacher)
    assert counts["visible"] == [elsewhere] and counts["total"] == 1
    # The headteacher: their own school's pupil incident only; the concern about them is
    # not even counted, and the other school's incident is not theirs to count.
    counts = incident_counts(trust_risk, personas.headteacher)
    assert counts["visible"] == [pupil] and counts["total"] == 1 and counts["hidden"] == 0
    sign_in(client, personas.headteacher)
    page = client.get(trust_risk.get_absolute_url()).content.decode()
    assert "1 linked" in page
    assert about_head.number not in page
    assert reverse("incident-detail", args=[elsewhere.pk]) not in page
    assert reverse("incident-detail", args=[pupil.pk]) in page


# --- the incident's reference ---------------------------------------------------------------


def test_risk_pages_show_the_incident_by_its_reference(personas, client):
    p = personas
    risk = make_risk(p.school, p.esafety_officer)
    incident = report(p.school, p.teacher)
    sign_in(client, p.esafety_officer)
    link_url = reverse("risk-link-incident", args=[incident.pk])
    create = reverse("risk-create", args=[p.school.slug]) + f"?incident={incident.pk}"
    before = [client.get(link_url).content.decode(), client.get(create).content.decode()]
    assert f'<h1 class="h2">Link incident {incident.reference} to a risk</h1>' in before[0]
    assert f"Incident {incident.reference} will be linked to the new risk." in before[1]
    linked = client.post(link_url, {"risk": risk.pk}, follow=True).content.decode()
    assert f"Incident {incident.reference} is linked to {risk.reference}." in linked
    assert f"Incident {incident.reference}</a>" in linked  # the risk's linked incidents
    for text in (*before, linked):
        assert not shown_bare(text, incident)
    history = risk.incident_links.get().history.first()
    assert history.history_change_reason == f"Incident {incident.reference} linked"


def test_a_reported_filtering_check_shows_the_incident_by_its_reference(personas, client):
    p = personas
    check = failed_check(p.school, p.technician)
    sign_in(client, p.technician)
    reported = client.post(
        reverse("filtering-check-incident", args=[p.school.slug, check.pk]), follow=True
    ).content.decode()
    incident = Incident.objects.get()
    assert f"Incident {incident.reference} was sent to" in reported
    assert f"Reported as incident {incident.reference}." in reported
    review = FilteringReview.objects.get()
    assert review.reason_detail == f"Filtering breach: incident {incident.reference}."
    sign_in(client, p.esafety_officer)
    review_page = client.get(reverse("filtering-review", args=[review.pk])).content.decode()
    assert f"Incident {incident.reference}</a>" in review_page
    for text in (reported, review_page):
        assert not shown_bare(text, incident)
