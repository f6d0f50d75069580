"""The PDFs: one risk laid out like the seed's example, the governors' register with
its heat maps and no names, the frozen sign-off copy, and the filtering review."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from esafety.testing import sign_in
from risks import services
from risks.models import RegisterSignOff
from risks.tests.factories import make_action, make_risk, recorded_review

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def flat(text):
    return " ".join(text.split())


@pytest.fixture
def seed_risk(personas):
    risk = services.adopt_starter(
        school=personas.school, by=personas.esafety_officer, key="home-laptop"
    )
    services.rescore(
        risk=risk,
        by=personas.esafety_officer,
        inherent_likelihood=3,
        inherent_impact=3,
        likelihood=3,
        impact=3,
        likelihood_reason="Children are inquisitive. Likelihood 3.",
        impact_reason="Reputation and safeguarding. Impact 3.",
    )
    make_action(risk, personas.esafety_officer, personas.technician)
    return risk


def test_the_risk_pdf_has_every_field_of_the_seeds_example(personas, client, seed_risk):
    sign_in(client, personas.esafety_officer)
    response = client.get(reverse("risk-pdf", args=[seed_risk.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = flat(text_of(response.content))
    for expected in [
        "Risk No.",
        "R-001",
        "School laptop used for home study",
        "Likelihood",
        "Children are inquisitive. Likelihood 3.",
        "Impact",
        "Reputation and safeguarding. Impact 3.",
        "Risk Assessment",
        "HIGH (9)",
        "Risk Owner/s",
        "E-safety officer",
        "IT support",
        "Mitigation",
        "Technical:",
        "locked down",
        "Education:",
        "spoken to",
    ]:
        assert expected in text, expected


def test_the_register_pdf_draws_the_heat_maps_and_names_nobody(personas, client, seed_risk):
    make_risk(personas.school, personas.esafety_officer, likelihood=1, impact=1, title="Low one")
    sign_in(client, personas.trustee)
    response = client.get(reverse("risk-register-pdf", args=[personas.school.slug]))
    text = flat(text_of(response.content))
    assert "Current (after mitigation)" in text and "Inherent (before mitigation)" in text
    assert "HIGH (9)" in text and "LOW (1)" in text and "Low one" in text
    assert "E-safety officer" in text
    for person in (personas.esafety_officer, personas.technician, personas.headteacher):
        assert person.full_name not in text


def test_the_signed_register_is_served_as_signed_or_refused(personas, client, seed_risk):
    sign_off = services.sign_register(school=personas.school, by=personas.headteacher)
    sign_in(client, personas.chair)
    url = reverse("risk-signoff-pdf", args=[sign_off.pk])
    response = client.get(url)
    assert response.content == bytes(sign_off.pdf)
    assert "Signed off as reviewed by the headteacher" in flat(text_of(response.content))
    RegisterSignOff.objects.filter(pk=sign_off.pk).update(pdf=b"%PDF-1.7 altered")
    assert client.get(url).status_code == 409


def test_the_filtering_review_pdf(personas, client):
    review = recorded_review(personas.school, personas.headteacher, personas.esafety_officer)
    sign_in(client, personas.trustee)
    text = flat(text_of(client.get(reverse("filtering-review-pdf", args=[review.pk])).content))
    assert "Filtering and monitoring review" in text and "Example IT Ltd" in text
    assert "Working as it should." in text
    assert personas.headteacher.full_name not in text


def test_the_score_before_mitigation_keeps_its_own_reason(personas, client, seed_risk):
    services.rescore(
        risk=seed_risk,
        by=personas.esafety_officer,
        inherent_likelihood=3,
        inherent_impact=3,
        inherent_reason="Unfiltered home broadband; nothing on the laptop.",
        likelihood=2,
        impact=2,
        likelihood_reason="Home traffic now goes through the school filter.",
        impact_reason="Pupil and parent briefed.",
    )
    first, latest = seed_risk.assessments.order_by("assessed_at", "pk")[1:3]
    assert first.inherent_reason == "" and latest.inherent_reason.startswith("Unfiltered")
    sign_in(client, personas.esafety_officer)
    page = client.get(seed_risk.get_absolute_url()).content.decode()
    assert "Unfiltered home broadband" in page and "3 × 3 = HIGH (9)" in page
    text = flat(text_of(client.get(reverse("risk-pdf", args=[seed_risk.pk])).content))
    assert "Before mitigation" in text and "Unfiltered home broadband" in text
    assert "MEDIUM (4)" in text
