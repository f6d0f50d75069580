"""People of another trust find nothing of this trust's training: every training URL that
names a record, request, session, requirement or school of ours answers 404, and the
figures show only their own schools."""

import pytest
from django.urls import reverse

from esafety.models import Role
from esafety.testing import SchoolFactory, TrustFactory, person, sign_in, trustee
from training.tests.permissions import ROUTES

pytestmark = pytest.mark.django_db

WITH_IDS = [route for route in ROUTES if route.kwargs]


@pytest.fixture
def faraway():
    trust = TrustFactory(name="Faraway Trust")
    school = SchoolFactory(trust=trust, name="Faraway Academy", slug="faraway")
    return {
        "headteacher": person(school, Role.HEADTEACHER, name="Fay Farhead"),
        "esafety_officer": person(school, Role.ESAFETY_OFFICER, name="Fergus Farofficer"),
        "teacher": person(school, Role.STAFF, name="Flo Farteacher"),
        "trustee": trustee(trust, name="Fran Faraway"),
    }


@pytest.mark.parametrize("route", WITH_IDS, ids=lambda r: f"{r.method}-{r.name}")
def test_another_trust_gets_404_for_our_ids(route, client, personas, faraway):
    url = reverse(route.name, kwargs=route.kwargs(personas))
    data = route.data(personas) if route.data else {}
    for name, user in faraway.items():
        sign_in(client, user)
        response = getattr(client, route.method)(url, data)
        assert response.status_code == 404, f"{name}: {route.method.upper()} {url}"


def test_another_trust_s_figures_show_only_their_schools(client, personas, faraway):
    sign_in(client, faraway["trustee"])
    page = client.get(reverse("training-figures")).content.decode()
    assert "Faraway Academy" in page
    assert "Oakwood Primary" not in page and "Elmridge Primary" not in page
