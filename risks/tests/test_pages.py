"""The register page, CSV and trustees' view; the filtering pages; bad input."""

import datetime

import pytest
from django.urls import reverse

from esafety.testing import sign_in
from incidents.models import Incident
from risks.models import FilteringCheck, FilteringReview, Risk
from risks.tests.factories import failed_check, make_risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(personas):
    officer = personas.esafety_officer
    high = make_risk(
        personas.school,
        officer,
        owners=[personas.technician],
        likelihood=3,
        impact=3,
        title="Home laptops unfiltered",
    )
    low = make_risk(
        personas.school,
        officer,
        likelihood=1,
        impact=1,
        title="=cmd|' /C calc'!A0",
        category="cyber",
    )
    make_risk(personas.other_school, personas.other_school_headteacher, title="Elsewhere")
    return high, low


def rows(response):
    return [r.title for r in response.context["page"]]


def test_the_register_filters_searches_and_sorts(personas, client, register):
    high, low = register
    sign_in(client, personas.esafety_officer)
    url = reverse("risk-register", args=[personas.school.slug])
    assert rows(client.get(url)) == [high.title, low.title]  # highest score first
    assert rows(client.get(url, {"band": "HIGH"})) == [high.title]
    assert rows(client.get(url, {"category": "cyber"})) == [low.title]
    assert rows(client.get(url, {"q": "R-002"})) == [low.title]
    assert rows(client.get(url, {"q": "laptops"})) == [high.title]
    assert rows(client.get(url, {"owner": personas.technician.pk})) == [high.title]
    assert rows(client.get(url, {"cell": "current-3-3"})) == [high.title]
    assert rows(client.get(url, {"cell": "inherent-3-3"})) == [high.title, low.title]
    assert rows(client.get(url, {"sort": "number"})) == [high.title, low.title]
    assert rows(client.get(url, {"cell": "junk"})) == []
    assert client.get(url, {"owner": "nobody", "status": "nope"}).status_code == 200


def test_each_register_row_shows_the_risk_escaped_with_its_owners_and_review(
    personas, client, register
):
    risk = make_risk(
        personas.school,
        personas.esafety_officer,
        owners=[personas.technician, personas.esafety_officer],
        title="<b>Chat & games</b>",
    )
    Risk.objects.filter(pk=risk.pk).update(review_due=datetime.date(2020, 1, 5))
    sign_in(client, personas.esafety_officer)
    page = client.get(reverse("risk-register", args=[personas.school.slug])).content.decode()
    row = next(r for r in page.split("<tr>") if "Chat" in r)
    assert "&lt;b&gt;Chat &amp; games&lt;/b&gt;" in row and "<b>" not in row
    assert f'href="{reverse("risk-detail", args=[risk.pk])}"' in row
    assert personas.technician.full_name in row and personas.esafety_officer.full_name in row
    assert "5 Jan 2020" in row and "overdue" in row
    assert f"{risk.reference}</td>" in row and "Content" in row
    high_row = next(r for r in page.split("<tr>") if "Home laptops" in r)
    assert "HIGH (9)" in high_row and "overdue" not in high_row


def test_the_heat_map_links_each_cell_to_its_risks(personas, client, register):
    sign_in(client, personas.esafety_officer)
    page = client.get(reverse("risk-register", args=[personas.school.slug])).content.decode()
    assert "?cell=current-3-3&amp;matrix=" in page and "?cell=inherent-3-3&amp;matrix=" in page


def test_the_csv_is_formula_safe_and_managers_only(personas, client, register):
    sign_in(client, personas.esafety_officer)
    url = reverse("risk-register-csv", args=[personas.school.slug])
    text = client.get(url).content.decode("utf-8-sig")
    assert "HIGH (9)" in text and "'=cmd" in text and "Elsewhere" not in text
    sign_in(client, personas.trustee)
    assert client.get(url).status_code == 403


def test_trustees_see_titles_and_roles_never_names(personas, client, register):
    sign_in(client, personas.trustee)
    page = client.get(reverse("risk-register", args=[personas.school.slug])).content.decode()
    assert "Home laptops unfiltered" in page and "IT support" in page
    assert personas.technician.full_name not in page
    assert personas.esafety_officer.full_name not in page
    assert reverse("risk-detail", args=[register[0].pk]) not in page
    trust_page = client.get(reverse("risk-trust")).content.decode()
    assert personas.school.name in trust_page and "HIGH 1" in trust_page
    assert personas.technician.full_name not in trust_page


def test_a_technician_sees_only_the_risks_they_own(personas, client, register):
    sign_in(client, personas.technician)
    response = client.get(reverse("risk-register", args=[personas.school.slug]))
    assert rows(response) == ["Home laptops unfiltered"]


def test_a_new_risk_with_bad_input_gets_messages_not_a_crash(personas, client):
    sign_in(client, personas.esafety_officer)
    url = reverse("risk-create", args=[personas.school.slug])
    response = client.post(url, {"title": "x\x00", "likelihood": "9", "owners": ["abc"]})
    assert response.status_code == 400
    assert personas.school.risks.count() == 0


def test_the_technician_logs_a_failed_check_that_becomes_an_incident(personas, client):
    sign_in(client, personas.technician)
    slug = personas.school.slug
    response = client.post(
        reverse("filtering-check-create", args=[slug]),
        {
            "checked_on": "2026-01-05",
            "device": "Library laptop",
            "location": "Library",
            "what_tested": "Gambling category",
            "expected": "Blocked",
            "actual": "Site opened",
            "action": "Told the provider",
        },
    )
    assert response.status_code == 302
    check = FilteringCheck.objects.get()
    assert not check.passed
    response = client.post(reverse("filtering-check-incident", args=[slug, check.pk]))
    assert response.status_code == 302
    incident = Incident.objects.get()
    check.refresh_from_db()
    assert check.incident == incident
    assert incident.tags.get().slug == "filtering-breach"
    assert incident.routed_to == personas.esafety_officer
    assert FilteringReview.objects.get().incidents.get() == incident
    # The technician reported it, so they follow it as any reporter does.
    assert incident.reported_by == personas.technician
    assert client.get(reverse("incident-detail", args=[incident.pk])).status_code == 200
    # A second report of the same check is refused, not doubled.
    client.post(reverse("filtering-check-incident", args=[slug, check.pk]))
    assert Incident.objects.count() == 1


def test_a_passed_check_is_not_a_breach(personas):
    from django.core.exceptions import ValidationError

    from risks import filtering

    check = failed_check(personas.school, personas.technician)
    FilteringCheck.objects.filter(pk=check.pk).update(passed=True)
    check.refresh_from_db()
    with pytest.raises(ValidationError):
        filtering.raise_incident_from_check(check=check, by=personas.technician)


def test_a_review_cannot_be_signed_before_it_is_recorded(personas, client):
    from risks import filtering

    review = filtering.start_review(school=personas.school, by=personas.esafety_officer)
    sign_in(client, personas.headteacher)
    client.post(reverse("filtering-review-sign", args=[review.pk, "head-sign"]))
    review.refresh_from_db()
    assert review.head_signed_at is None
