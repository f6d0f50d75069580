"""The filtering and monitoring review through its pages, the decision log, and the
chair's choice of matrix."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from esafety.testing import sign_in
from risks.models import FilterDecision, FilteringReview, Matrix

pytestmark = pytest.mark.django_db


def test_a_review_is_recorded_signed_by_the_head_then_a_trustee(personas, client):
    slug = personas.school.slug
    sign_in(client, personas.esafety_officer)
    client.post(reverse("filtering-review-start", args=[slug]))
    review = FilteringReview.objects.get()
    edit = reverse("filtering-review-edit", args=[review.pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(edit, {"held_on": tomorrow.isoformat(), "it_provider": "Example IT"})
    assert (
        response.status_code == 400 and "can&#x27;t be in the future" in response.content.decode()
    )
    response = client.post(
        edit,
        {
            "held_on": timezone.localdate().isoformat(),
            "senior_leader": personas.headteacher.pk,
            "dsl": personas.esafety_officer.pk,
            "it_provider": "Example IT Ltd",
            "trustee": personas.trustee.pk,
            "filtering_provider": "Filter Co",
            "monitoring_provider": "Monitor Co",
            "covers_school_devices": "on",
            "covers_off_site": "on",
            "categories_blocked": "Adult, gambling",
            "monitoring": ["network", "device"],
            "findings": "Guest wifi not filtered: action below.",
        },
    )
    assert response.status_code == 302
    action = reverse("filtering-review-action", args=[review.pk])
    client.post(
        action,
        {"text": "Filter the guest wifi", "owner": personas.technician.pk, "due_on": "2027-01-15"},
    )
    assert review.actions.get().owner == personas.technician
    sign = reverse("filtering-review-sign", args=[review.pk, "head-sign"])
    assert client.post(sign).status_code == 403  # the officer is not the head
    sign_in(client, personas.headteacher)
    client.post(sign)
    review.refresh_from_db()
    assert review.head_signed_by == personas.headteacher
    assert client.post(edit).status_code == 403  # signed: no more changes
    sign_in(client, personas.trustee)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Sign as trustee" in page and personas.technician.full_name not in page
    client.post(reverse("filtering-review-sign", args=[review.pk, "trustee-sign"]))
    review.refresh_from_db()
    assert review.trustee_signed_by == personas.trustee
    assert review.history.first().history_user == personas.trustee


def test_the_technician_records_a_decision_made_by_the_dsl(personas, client):
    sign_in(client, personas.technician)
    url = reverse("filtering-decision-create", args=[personas.school.slug])
    decision = {
        "requested_by": "Year 9 history teacher",
        "change": "allow",
        "what": "history-archive.example",
        "why": "Primary sources for a GCSE project",
        "decided_by": personas.technician.pk,
        "decided_on": timezone.localdate().isoformat(),
    }
    response = client.post(url, decision)
    assert response.status_code == 400  # a technician can't be the one who decides
    assert not FilterDecision.objects.exists()
    response = client.post(url, {**decision, "decided_by": personas.esafety_officer.pk})
    assert response.status_code == 302
    decision = FilterDecision.objects.get()
    assert decision.recorded_by == personas.technician
    assert decision.decided_by == personas.esafety_officer


def test_the_chair_chooses_a_5x5_matrix_and_bad_bands_get_a_message(personas, client):
    url = reverse("risk-matrix", args=[personas.school.trust_id])
    sign_in(client, personas.chair)
    response = client.post(url, {"size": 5, "bands": "LOW 1-4, HIGH 6-25"})
    assert response.status_code == 400 and "should start at 5" in response.content.decode()
    response = client.post(url, {"size": 5, "bands": "LOW 1-4, MEDIUM 5-9, HIGH 10-25"})
    assert response.status_code == 302
    matrix = Matrix.objects.current_for(personas.school.trust_id)
    assert matrix.size == 5 and [b["label"] for b in matrix.bands] == ["LOW", "MEDIUM", "HIGH"]
    assert matrix.bands[-1]["head_only"] and not matrix.bands[1]["head_only"]
