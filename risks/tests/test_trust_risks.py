"""Trust-wide risks: the chair of trustees keeps them, numbered per trust (T-001); every
school in the trust sees them on its register and in its register PDF, apart from its
own counts and heat map; an overdue review goes to the chair."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from esafety.models import Notification
from esafety.sweeps import registered_jobs, run_sweeps
from esafety.testing import sign_in
from risks import services
from risks.models import Risk
from risks.tests.factories import make_action, make_risk

pytestmark = pytest.mark.django_db

TITLE = "One filtering provider for every school fails"


def add_through_the_page(client, personas):
    sign_in(client, personas.chair)
    trust = personas.school.trust
    return client.post(
        reverse("risk-trust-create", args=[trust.pk]),
        {
            "title": TITLE,
            "description": "All schools share one filtering contract.",
            "category": "technical",
            "applies_in": ["on_site"],
            "owners": [personas.chair.pk, personas.trustee.pk],
            "inherent_likelihood": "2",
            "inherent_impact": "3",
            "likelihood": "2",
            "impact": "3",
            "likelihood_reason": "It has happened once in three years.",
            "impact_reason": "Every school unfiltered at once.",
        },
    )


def test_the_chair_adds_one_that_every_school_sees(personas, client):
    make_risk(personas.school, personas.esafety_officer, title="Oakwood's own")
    response = add_through_the_page(client, personas)
    risk = Risk.objects.get(title=TITLE)
    assert response.status_code == 302 and response.url == risk.get_absolute_url()
    assert risk.reference == "T-001" and risk.school is None
    assert risk.assessment_label == "HIGH (6)"
    # Numbered per trust: the school's own numbering is untouched.
    assert make_risk(personas.school, personas.esafety_officer).reference == "R-002"

    for user, school in [
        (personas.esafety_officer, personas.school),
        (personas.other_school_headteacher, personas.other_school),
        (personas.trustee, personas.school),
    ]:
        sign_in(client, user)
        response = client.get(reverse("risk-register", args=[school.slug]))
        assert [r.title for r in response.context["trust_risks"]] == [TITLE], user
        # Not counted in the school's own figures or heat map.
        assert TITLE not in [r.title for r in response.context["page"]]
    figures = response.context["figures"]
    assert figures["live"] == 2  # not T-001

    sign_in(client, personas.trustee)
    pdf = client.get(reverse("risk-register-pdf", args=[personas.school.slug])).content
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Trust-wide risks" in text and "T-001" in text and TITLE in text


def test_only_the_chair_rescores_it_and_an_owner_completes_their_action(personas, client):
    add_through_the_page(client, personas)
    risk = Risk.objects.get(title=TITLE)
    sign_in(client, personas.headteacher)
    assert client.get(reverse("risk-step", args=[risk.pk, "rescore"])).status_code == 403
    page = client.get(risk.get_absolute_url()).content.decode()
    assert "Trust-wide risk of" in page and "Re-score" not in page
    assert "Charles Chair" in page  # its owners are trustees, named to the schools too
    action = make_action(risk, personas.chair, personas.trustee)
    sign_in(client, personas.trustee)
    response = client.post(reverse("risk-action-done", args=[action.pk]), {"done_on": ""})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_by == personas.trustee
    # A teacher of a school in the trust sees nothing of it.
    sign_in(client, personas.teacher)
    assert client.get(risk.get_absolute_url()).status_code == 404


def test_an_overdue_review_goes_to_the_chair_once(personas):
    risk = make_risk(None, personas.chair, trust=personas.school.trust, owners=[personas.trustee])
    Risk.objects.filter(pk=risk.pk).update(
        review_due=timezone.localdate() - datetime.timedelta(days=30)
    )
    jobs = {"risks.reviews": registered_jobs()["risks.reviews"]}
    run_sweeps(jobs=jobs)
    run_sweeps(jobs=jobs)

    def titles(user):
        return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))

    assert titles(personas.chair) == ["Risk T-001's review is overdue"]
    assert titles(personas.trustee) == ["Risk T-001 is due for review"]
    assert titles(personas.esafety_officer) == [] and titles(personas.headteacher) == []


def test_a_risk_is_of_a_school_or_of_its_trust_never_both(personas):
    with pytest.raises(ValueError):
        services.create_risk(
            school=personas.school,
            trust=personas.school.trust,
            by=personas.chair,
            title="x",
            description="x",
            category="other",
            owners=[personas.chair],
            inherent_likelihood=1,
            inherent_impact=1,
            likelihood=1,
            impact=1,
            likelihood_reason="x",
            impact_reason="x",
        )
