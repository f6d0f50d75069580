"""List pages cost the same number of queries with 10 or 1,000 incidents."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from esafety.testing import sign_in
from incidents.models import Incident, IncidentTag, Status

pytestmark = pytest.mark.django_db


def make_incidents(personas, count):
    now = timezone.now()
    tags = list(IncidentTag.objects.all()[:3])
    start = Incident.objects.count()
    incidents = Incident.objects.bulk_create(
        Incident(
            school=personas.school,
            number=f"2026-{start + n + 1:04d}",
            status=[Status.REPORTED, Status.OPEN, Status.CLOSED][n % 3],
            reported_by=personas.teacher,
            reported_at=now,
            acknowledge_by=now,
            routed_to=personas.esafety_officer,
            location="online",
            description="Bulk test incident",
            subject="pupil",
            category="pupil_a",
        )
        for n in range(count)
    )
    Through = Incident.tags.through
    Through.objects.bulk_create(
        Through(incident_id=i.pk, incidenttag_id=tags[n % 3].pk) for n, i in enumerate(incidents)
    )


def queries_for(client, url):
    cache.clear()  # cached figures would hide what a first visit costs
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("user", "url", "params"),
    [
        ("esafety_officer", "incident-queue", {}),
        ("esafety_officer", "incident-queue", {"status": "reported", "category": "pupil_a"}),
        ("headteacher", "incident-queue", {"q": "Bulk"}),
        ("teacher", "my-incidents", {}),
        ("esafety_officer", "home", {}),
    ],
)
def test_list_query_count_does_not_grow(personas, client, user, url, params):
    sign_in(client, getattr(personas, user))
    path = reverse(url) + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
    make_incidents(personas, 10)
    client.get(path)  # warm the cached figures other apps' home panels read
    small = queries_for(client, path)
    make_incidents(personas, 990)
    large = queries_for(client, path)
    assert small == large, f"{url}: {small} queries with 10 incidents, {large} with 1,000"
