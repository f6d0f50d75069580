"""The dashboard's board is kept while its figures are fresh (governance/kept.py): a
repeat visit doesn't build it again, and any change its figures count shows on the
next visit."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from esafety.testing import sign_in
from governance import kept
from governance.board import Reader, build
from governance.models import GovernanceSettings
from governance.terms import period_from

from .data import TODAY, at, incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch):
    """How many times the board is built (not read from the cache)."""
    calls = []
    monkeypatch.setattr(kept, "build", lambda **kw: calls.append(kw) or build(**kw))
    return calls


def _incidents_tile(response):
    tiles = {tile.key: tile for tile in response.context["board"].tiles}
    return tiles["incidents"].value


def test_the_board_reads_nothing_but_figures(seeded, django_assert_num_queries):
    # What kept.py relies on: a board built from warm figures sends no query, so no
    # section reads rows that no figure follows (they would be stale in a kept board).
    p = seeded
    schools = [p.school]
    reader = Reader(trustee_view=True, under=5, sees_staff_concerns=True, manages=False)
    with time_machine.travel(TODAY, tick=False):
        today = timezone.localdate()
        period = period_from({}, today)
        build(schools=schools, school=None, period=period, reader=reader, today=today)
        with django_assert_num_queries(0):
            build(schools=schools, school=None, period=period, reader=reader, today=today)


def test_a_repeat_visit_reads_the_kept_board_and_a_new_incident_shows_next_time(
    seeded, client, builds
):
    p = seeded
    sign_in(client, p.headteacher)
    url = reverse("governance-school", args=[p.school.slug])
    with time_machine.travel(TODAY, tick=False):
        assert _incidents_tile(client.get(url)) == "4"
        assert _incidents_tile(client.get(url)) == "4"
        assert len(builds) == 1  # the second visit built nothing
        incident(p.school, p.teacher, 99, at(2026, 11, 19))
        assert _incidents_tile(client.get(url)) == "5"
        assert len(builds) == 2


def test_each_reader_and_period_gets_its_own_board(seeded, client, builds):
    p = seeded
    url = reverse("governance-school", args=[p.school.slug])
    with time_machine.travel(TODAY, tick=False):
        sign_in(client, p.headteacher)
        client.get(url)
        client.get(url + "?period=year")
        sign_in(client, p.trustee)
        client.get(url)
        assert len(builds) == 3
        # The chair's switch for small numbers changes how a trustee's board reads.
        GovernanceSettings.objects.update_or_create(
            trust=p.school.trust, defaults={"small_counts_under": 0}
        )
        client.get(url)
        assert len(builds) == 4
