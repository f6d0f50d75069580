"""People of another trust find nothing here: every risks URL built from this trust's
ids is a 404 for that trust's chair, trustee and headteacher (the permission matrix's
personas all share one trust), and the trust page shows only their own schools."""

import pytest
from django.urls import reverse

from esafety.models import Role, School
from esafety.testing import TrustFactory, person, sign_in, trustee
from risks.tests.factories import make_risk
from risks.tests.permissions import ROUTES

pytestmark = pytest.mark.django_db

WITH_IDS = [route for route in ROUTES if route.kwargs is not None]


@pytest.fixture
def strangers():
    faraway = TrustFactory(name="Faraway Trust")
    school = School.objects.create(trust=faraway, name="Faraway Primary", slug="faraway")
    return {
        "chair": trustee(faraway, chair=True, name="Fran Faraway"),
        "trustee": trustee(faraway, name="Fred Faraway"),
        "headteacher": person(school, Role.HEADTEACHER, name="Flo Faraway"),
        "esafety_officer": person(school, Role.ESAFETY_OFFICER, name="Finn Faraway"),
    }


@pytest.mark.parametrize("route", WITH_IDS, ids=lambda r: r.name)
def test_another_trusts_people_get_404(personas, client, strangers, route):
    url = reverse(route.name, kwargs=route.kwargs(personas))
    for name, stranger in strangers.items():
        sign_in(client, stranger)
        response = getattr(client, route.method)(url)
        assert response.status_code == 404, f"{name}: {url} -> {response.status_code}"


def test_the_trust_page_shows_only_their_own_schools(personas, client, strangers):
    make_risk(personas.school, personas.esafety_officer, title="Oakwood's own risk")
    sign_in(client, strangers["trustee"])
    page = client.get(reverse("risk-trust")).content.decode()
    assert "Faraway Primary" in page and personas.school.name not in page
