"""The concerns pages cost the same number of queries with 3 or 40 concerns about 2 or
14 people (the matrix test walks them too; this pins them)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concerns import services
from concerns.models import LowLevelConcern, Response
from concerns.tests.factories import concern
from esafety.models import Role
from esafety.testing import person, sign_in

pytestmark = pytest.mark.django_db


def grow(p, start, count):
    for n in range(start, start + count):
        about = person(p.school, Role.STAFF, name=f"Staff Member {n}") if n % 3 else p.teacher
        made = concern(p.school, p.esafety_officer, about, text=f"Concern {n}")
        if n % 2:
            services.record_response(
                concern=made, by=p.headteacher, response=Response.SPOKEN_TO, notes="Done."
            )


def counts(client, urls):
    found = {}
    for url in urls:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        found[url] = len(captured.captured_queries)
    return found


def test_concern_pages_cost_the_same_with_more_data(personas, client):
    p = personas
    grow(p, 0, 3)
    first = LowLevelConcern.objects.order_by("pk").first()
    sign_in(client, p.headteacher)
    urls = [
        reverse("concern-list", args=[p.school.slug]),
        reverse("concern-patterns", args=[p.school.slug]),
        reverse("concern-person", args=[p.school.slug, p.teacher.pk]),
        first.get_absolute_url(),
        reverse("concern-create", args=[p.school.slug]),
        reverse("home"),
    ]
    small = counts(client, urls)
    grow(p, 3, 37)
    large = counts(client, urls)
    assert large == small
    # Pinned (the home page, cold, is pinned by the matrix of home pages).
    assert list(small.values())[:5] == [15, 13, 12, 13, 12], small
