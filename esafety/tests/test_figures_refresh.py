"""Figures counted again in the background (esafety/figures_refresh.py): after a change a
reader is given the last figures, with their "as at" time, for a bounded time while the
worker counts the changed school again; a burst of changes is one count; a cache flush is
answered from the database's snapshots; a reader that must count counts one school."""

import datetime
import time

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from esafety import figures, figures_refresh, figures_store
from esafety.models import FigureSnapshot, Role
from esafety.testing import person

STALE_FOR = 120


@pytest.fixture
def refreshes(monkeypatch):
    """The refresh tasks sent to the worker (none runs until the test runs it)."""
    sent = []
    monkeypatch.setattr(
        "esafety.tasks.refresh_figures.apply_async", lambda **kwargs: sent.append(kwargs)
    )
    return sent


def run_the_worker():
    from esafety.tasks import refresh_figures

    return refresh_figures.run()


@pytest.fixture
def stale_served():
    with override_settings(FIGURES_STALE_SECONDS=STALE_FOR, FIGURES_COALESCE_SECONDS=2):
        figures_store.start_recording()
        yield


def test_after_a_change_the_reader_gets_the_last_figures_and_the_worker_counts_again(
    members_figure, two_schools, refreshes, stale_served, django_capture_on_commit_callbacks
):
    first, second = two_schools
    ids = [first.pk, second.pk]
    assert figures.figures_for("test.members", ids) == {first.pk: 1, second.pk: 1}
    counted = len(members_figure)
    with django_capture_on_commit_callbacks(execute=True):
        person(first, Role.PUPIL)

    assert figures.figures_for("test.members", ids) == {first.pk: 1, second.pk: 1}
    assert figures_store.served_as_at() is not None  # the page says "as at"
    assert len(members_figure) == counted  # the reader counted nothing
    assert len(refreshes) == 1 and refreshes[0]["countdown"] == 2

    assert run_the_worker() == {"test.members": 1}  # only the school that changed
    assert members_figure[-1] == [first.pk]
    figures_store.start_recording()  # the next request
    assert figures.figures_for("test.members", ids) == {first.pk: 2, second.pk: 1}
    assert figures_store.served_as_at() is None


def test_a_burst_of_changes_is_counted_once(
    members_figure, two_schools, refreshes, stale_served, django_capture_on_commit_callbacks
):
    first, second = two_schools
    figures.figures_for("test.members", [first.pk, second.pk])
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            person(first, Role.PARENT)
            person(second, Role.PARENT)
    assert len(refreshes) == 1
    run_the_worker()
    assert members_figure[-1] == [first.pk, second.pk]  # one count for both
    assert figures.figures_for("test.members", [first.pk, second.pk]) == {
        first.pk: 6,
        second.pk: 6,
    }
    # The task has run: the next change asks for another.
    with django_capture_on_commit_callbacks(execute=True):
        person(first, Role.PARENT)
    assert len(refreshes) == 2


def test_stale_figures_are_served_for_a_bounded_time_then_the_reader_counts(
    members_figure, two_schools, refreshes, stale_served, monkeypatch
):
    first, _ = two_schools
    assert figures.figure_for("test.members", first.pk) == 1
    person(first, Role.PUPIL)  # the worker never comes
    assert figures.figure_for("test.members", first.pk) == 1
    later = time.time() + STALE_FOR + 1
    monkeypatch.setattr(figures_store.time, "time", lambda: later)
    assert figures.figure_for("test.members", first.pk) == 2
    assert members_figure[-1] == [first.pk]


def test_after_a_cache_flush_the_snapshots_are_served_and_the_worker_counts_again(
    members_figure, two_schools, refreshes, stale_served
):
    first, second = two_schools
    run_the_worker()  # the warm-up: counted and kept in the database too
    assert FigureSnapshot.objects.filter(name="test.members").count() == 2
    person(first, Role.PUPIL)
    cache.clear()
    calls = len(members_figure)

    assert figures.figures_for("test.members", [first.pk, second.pk]) == {
        first.pk: 1,
        second.pk: 1,
    }
    assert len(members_figure) == calls  # nothing counted by the reader
    assert refreshes
    run_the_worker()
    assert figures.figure_for("test.members", first.pk) == 2


def test_after_a_flush_a_page_of_figures_reads_the_snapshots_once_and_asks_the_worker_once(
    members_figure, two_schools, refreshes, stale_served, django_assert_num_queries
):
    from esafety.models import Membership

    @figures.figure("test.staff", stale_on={Membership: "school_id"})
    def staff(school_ids, today):
        return {
            s: Membership.objects.filter(school_id=s, role=Role.STAFF).count() for s in school_ids
        }

    first, second = two_schools
    run_the_worker()
    cache.clear()
    figures_store.start_recording()  # a request
    with django_assert_num_queries(1):  # both figures' snapshots, both schools
        assert figures.figures_for("test.members", [first.pk, second.pk]) == {
            first.pk: 1,
            second.pk: 1,
        }
        assert figures.figures_for("test.staff", [first.pk, second.pk]) == {
            first.pk: 1,
            second.pk: 1,
        }
        assert figures.figure_for("test.members", second.pk) == 1
    assert len(refreshes) == 1  # once for the page, not once a figure
    figures_store.start_recording()  # the next request reads the database again
    with django_assert_num_queries(1):
        figures.figure_for("test.staff", first.pk)


def test_a_reader_with_nothing_kept_counts_one_school_at_a_time(
    members_figure, two_schools, refreshes, stale_served
):
    first, second = two_schools
    figures.figures_for("test.members", [first.pk, second.pk])
    assert members_figure == [[first.pk], [second.pk]]


def test_figures_older_than_a_day_are_never_served(
    members_figure, two_schools, refreshes, stale_served, monkeypatch
):
    first, _ = two_schools
    figures.figure_for("test.members", first.pk)
    person(first, Role.PUPIL)
    two_days_on = time.time() + 2 * 24 * 60 * 60
    monkeypatch.setattr(figures_store.time, "time", lambda: two_days_on)
    assert figures.figure_for("test.members", first.pk) == 2


def test_without_a_shared_cache_readers_count_at_once_and_nothing_is_sent(
    members_figure, two_schools, refreshes, django_capture_on_commit_callbacks
):
    first, _ = two_schools
    figures.figure_for("test.members", first.pk)
    with django_capture_on_commit_callbacks(execute=True):
        person(first, Role.PUPIL)
    assert figures.figure_for("test.members", first.pk) == 2
    assert refreshes == []


def test_a_value_built_from_figures_alone_follows_what_is_kept(
    members_figure, two_schools, refreshes, stale_served
):
    """The trustees' board is built from figures only: served stale exactly while they
    are, and built again once the worker has kept new ones."""
    first, _ = two_schools
    builds = []

    def board():
        builds.append(1)
        return figures.figure_for("test.members", first.pk)

    def kept_board():
        return figures.cached_while_fresh(
            "board", board, follows=["test.members"], school_ids=[first.pk], from_figures_only=True
        )

    assert kept_board() == 1  # its figure counted and kept while it was built
    assert kept_board() == 1  # built once more, now keyed on the figure kept
    builds.clear()
    person(first, Role.PUPIL)
    figures_store.start_recording()
    assert kept_board() == 1 and builds == []
    assert figures_store.served_as_at() is not None  # the page says its figures are stale
    run_the_worker()
    figures_store.start_recording()
    assert kept_board() == 2 and len(builds) == 1
    figures_store.start_recording()
    assert kept_board() == 2 and len(builds) == 1
    assert figures_store.served_as_at() is None


def test_the_page_says_when_its_figures_were_counted(
    members_figure, two_schools, refreshes, stale_served
):
    from django.template import Context, Template

    first, _ = two_schools
    figures.figure_for("test.members", first.pk)
    note = Template("{% load figures_note %}{% figures_note %}")
    assert note.render(Context()) == ""
    person(first, Role.PUPIL)
    figures.figure_for("test.members", first.pk)
    text = note.render(Context())
    assert "Some figures on this page are as at" in text
    assert "being counted" in text


def test_the_refresh_counts_only_what_is_not_fresh(members_figure, two_schools, stale_served):
    _, second = two_schools
    assert figures_refresh.refresh_stale() == {"test.members": 2}
    assert figures_refresh.refresh_stale() == {}
    person(second, Role.PUPIL)
    assert figures_refresh.refresh_stale() == {"test.members": 1}
    assert members_figure[-1] == [second.pk]


def test_exact_readers_never_get_the_last_value(
    members_figure, two_schools, refreshes, stale_served
):
    """Counts shown beside the records they count, and what is signed, are exact."""
    first, _ = two_schools
    figures.figure_for("test.members", first.pk)
    person(first, Role.PUPIL)
    assert figures.figure_for("test.members", first.pk, exact=True) == 2
    assert figures_store.served_as_at() is None


def test_the_risk_registers_heat_map_is_exact_while_other_pages_wait(
    personas, client, refreshes, stale_served
):
    from django.urls import reverse

    from esafety.testing import sign_in
    from risks.tests.factories import make_risk

    make_risk(personas.school, personas.esafety_officer)
    sign_in(client, personas.esafety_officer)
    page = reverse("risk-register", args=[personas.school.slug])
    assert client.get(page).context["figures"]["live"] == 1
    make_risk(personas.school, personas.esafety_officer, title="Smart speakers in classrooms")
    response = client.get(page)
    assert response.context["figures"]["live"] == 2
    assert "Some figures on this page are as at" not in response.content.decode()


def test_the_warm_up_after_a_deploy_counts_every_schools_figures(two_schools, stale_served):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("warm_figures", stdout=out)
    assert "Counted" in out.getvalue()
    names = set(figures.registered_figures())
    kept = set(FigureSnapshot.objects.values_list("name", "school_id"))
    assert kept == {(name, school.pk) for name in names for school in two_schools}
    out = StringIO()
    call_command("warm_figures", stdout=out)
    assert "Counted 0 figures" in out.getvalue()  # nothing stale: nothing counted again


def test_a_panel_built_from_stale_figures_shows_the_new_ones_soon_after_the_worker(
    members_figure, two_schools, refreshes, stale_served, time_machine
):
    """Something kept on generations (a home panel) and built from the last figures is kept
    only briefly: the worker's new values do not change the generations."""
    first, _ = two_schools
    time_machine.move_to(timezone.now(), tick=False)

    def panel():
        return figures.cached_while_fresh(
            "panel",
            lambda: figures.figure_for("test.members", first.pk),
            follows=["test.members"],
            school_ids=[first.pk],
        )

    assert panel() == 1
    person(first, Role.PUPIL)
    assert panel() == 1  # built from the last figures
    run_the_worker()
    time_machine.shift(figures.BUILT_FROM_STALE_SECONDS + 1)
    assert panel() == 2


def test_another_days_figures_never_take_todays_place(
    members_figure, two_schools, refreshes, stale_served
):
    first, _ = two_schools
    assert figures.figure_for("test.members", first.pk) == 1
    person(first, Role.PUPIL)
    run_the_worker()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    figures_refresh.refresh_stale(today=yesterday)  # a sweep that began before midnight
    calls = len(members_figure)
    figures_store.start_recording()
    assert figures.figure_for("test.members", first.pk) == 2
    assert len(members_figure) == calls  # today's kept value, still fresh
    assert figures_store.served_as_at() is None  # not yesterday's, served as stale
    assert not FigureSnapshot.objects.filter(day=yesterday).exists()


def test_a_snapshot_that_cannot_be_read_is_counted_again(
    members_figure, two_schools, refreshes, stale_served
):
    first, _ = two_schools
    FigureSnapshot.objects.create(
        name="test.members",
        school=first,
        day=timezone.localdate(),
        as_at=timezone.now(),
        value=b"not a pickle",
    )
    assert figures.figure_for("test.members", first.pk) == 1


def test_a_new_value_going_stale_is_served_again_for_the_whole_bound(
    members_figure, two_schools, refreshes, stale_served, time_machine
):
    """The mark that bounds serving belongs to one kept value: the next value's staleness
    starts its own, however old the last mark is."""
    first, _ = two_schools
    time_machine.move_to(timezone.now(), tick=False)
    figures.figure_for("test.members", first.pk)
    person(first, Role.PUPIL)
    figures.figure_for("test.members", first.pk)  # found stale: marked
    time_machine.shift(1)
    run_the_worker()
    time_machine.shift(STALE_FOR * 2)
    person(first, Role.PUPIL)
    calls = len(members_figure)
    assert figures.figure_for("test.members", first.pk) == 2  # the last value, served
    assert len(members_figure) == calls
