"""Fixtures the figures layer's tests share (test_figures.py, test_figures_refresh.py)."""

import pytest

from esafety import figures
from esafety.models import Membership, Role
from esafety.testing import SchoolFactory, person


@pytest.fixture
def members_figure(monkeypatch):
    """A throwaway figure (people per school) on a registry of its own, counting calls."""
    monkeypatch.setattr(figures, "_FIGURES", {})
    monkeypatch.setattr(figures, "_STALE_ON", {})
    calls = []

    @figures.figure("test.members", stale_on={Membership: "school_id"})
    def members(school_ids, today):
        calls.append(sorted(school_ids))
        counts = {school_id: 0 for school_id in school_ids}
        for membership in Membership.objects.filter(school_id__in=school_ids):
            counts[membership.school_id] += 1
        return counts

    return calls


@pytest.fixture
def two_schools(db):
    first, second = SchoolFactory(), SchoolFactory()
    person(first, Role.STAFF)
    person(second, Role.STAFF)
    return first, second
