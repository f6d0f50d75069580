"""The figures layer: computed once per school, served from the cache, recomputed only
for the schools a change touched."""

import datetime

import pytest

from esafety import figures
from esafety.models import Membership, Role
from esafety.testing import MembershipFactory, person


def test_a_figure_is_computed_once_then_read_from_the_cache(members_figure, two_schools):
    first, second = two_schools
    ids = [first.pk, second.pk]
    assert figures.figures_for("test.members", ids) == {first.pk: 1, second.pk: 1}
    assert figures.figures_for("test.members", ids) == {first.pk: 1, second.pk: 1}
    assert members_figure == [sorted(ids)]  # both schools in one call, and only once


def test_a_save_makes_only_that_schools_figure_stale(members_figure, two_schools):
    first, second = two_schools
    figures.figures_for("test.members", [first.pk, second.pk])
    person(first, Role.PUPIL)
    assert figures.figures_for("test.members", [first.pk, second.pk]) == {
        first.pk: 2,
        second.pk: 1,
    }
    assert members_figure[-1] == [first.pk]  # the other school came from the cache


def test_a_delete_makes_the_figure_stale(members_figure, two_schools):
    first, _ = two_schools
    assert figures.figure_for("test.members", first.pk) == 1
    Membership.objects.filter(school=first).get().delete()
    assert figures.figure_for("test.members", first.pk) == 0


def test_bulk_writes_are_seen_after_an_explicit_invalidate(members_figure, two_schools):
    first, second = two_schools
    figures.figures_for("test.members", [first.pk, second.pk])
    Membership.objects.bulk_create([Membership(user=person(second), school=first, role="staff")])
    assert figures.figure_for("test.members", first.pk) == 1  # no signal: still cached
    figures.invalidate(model=Membership, schools=[first])
    assert figures.figure_for("test.members", first.pk) == 2


def test_invalidating_every_school_recomputes_them_all(members_figure, two_schools):
    first, second = two_schools
    figures.figures_for("test.members", [first.pk, second.pk])
    figures.invalidate(figure="test.members")
    figures.figures_for("test.members", [first.pk, second.pk])
    assert members_figure[-1] == sorted([first.pk, second.pk])


def test_a_new_day_recomputes(members_figure, two_schools):
    first, _ = two_schools
    today = datetime.date(2026, 3, 2)
    figures.figure_for("test.members", first.pk, today=today)
    figures.figure_for("test.members", first.pk, today=today)
    figures.figure_for("test.members", first.pk, today=today + datetime.timedelta(days=1))
    assert len(members_figure) == 2


def test_a_value_cached_before_the_commit_is_not_served_after_it(
    members_figure, two_schools, django_capture_on_commit_callbacks
):
    first, _ = two_schools
    with django_capture_on_commit_callbacks(execute=True):
        MembershipFactory(school=first)
        # Another request reading before the commit would cache what it saw.
        figures.figure_for("test.members", first.pk)
    figures.figure_for("test.members", first.pk)
    assert len(members_figure) == 2


def test_a_figure_name_is_registered_once(members_figure):
    with pytest.raises(ValueError):
        figures.figure("test.members", stale_on={})(lambda ids, today: {})


def test_every_registered_figure_gives_every_school_asked(db, two_schools):
    """The apps' figures: each answers for every school, with nothing or something."""
    ids = [school.pk for school in two_schools]
    assert figures.registered_figures()
    for name in figures.registered_figures():
        assert set(figures.figures_for(name, ids)) == set(ids), name
