"""A nightly sync costs the same number of queries for a small school as for a big one,
with the same changes; the sync's pages cost the same with few runs or many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esafety.models import Membership
from esafety.testing import sign_in
from roster import services
from roster.models import Kind, RosterSource, Status

from .bundles import school_bundle

pytestmark = pytest.mark.django_db
CHANGES = {"moved_up": [1, 2], "left": [3], "new_pupils": 2, "new_emails": [4]}


def nightly_queries(school, pupils: int) -> int:
    RosterSource.objects.create(school=school, kind=Kind.BUNDLE, max_leavers_percent=100)
    domain = f"{school.slug}.example"
    first = services.sync_bundle(
        school=school, data=school_bundle(pupils, domain=domain), filename="a.zip", by=None
    )
    services.approve_run(run=first, by=None)
    night = school_bundle(pupils, domain=domain, **CHANGES)
    with CaptureQueriesContext(connection) as context:
        run = services.sync_bundle(school=school, data=night, filename="b.zip", by=None)
    assert run.status == Status.APPLIED, run.reason
    # Two pupils and two parents join, two pupils move up, a parent's email changes, a
    # pupil and their parent leave.
    assert (run.joined, run.changed, run.left) == (4, 3, 2)
    assert Membership.objects.filter(school=school, ended_on__isnull=False).count() == 2
    return len(context.captured_queries)


def test_a_nightly_sync_costs_the_same_queries_at_two_sizes(personas):
    small = nightly_queries(personas.school, 20)
    large = nightly_queries(personas.other_school, 400)
    assert small == large, f"{small} queries with 20 pupils, {large} with 400"


def test_the_sync_pages_cost_the_same_with_few_runs_or_many(personas, client):
    sign_in(client, personas.esafety_officer)
    school = personas.school
    RosterSource.objects.create(school=school, kind=Kind.BUNDLE, max_leavers_percent=100)

    def counts():
        run = school.roster_runs.first()
        found = []
        for url in (reverse("roster", args=[school.slug]), reverse("roster-run", args=[run.pk])):
            with CaptureQueriesContext(connection) as context:
                assert client.get(url).status_code == 200
            found.append(len(context.captured_queries))
        return found

    services.sync_bundle(school=school, data=school_bundle(5), filename="a.zip", by=None)
    small = counts()
    for _ in range(25):
        services.sync_bundle(school=school, data=school_bundle(60), filename="a.zip", by=None)
    assert counts() == small
