"""The sweep recomputes every figure before anyone asks: after a cache flush (or the hourly
expiry) the first trustee to open a page reads cached values, not a trust-wide count."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from esafety import figures
from esafety.models import School
from esafety.sweeps import registered_jobs, run_sweeps


def _warm():
    run_sweeps(jobs={"esafety.warm_figures": registered_jobs()["esafety.warm_figures"]})


def test_every_figure_is_ready_after_the_sweep(personas):
    school_ids = list(School.objects.values_list("pk", flat=True))
    cache.clear()
    _warm()
    today = timezone.localdate()
    for name in figures.registered_figures():
        with CaptureQueriesContext(connection) as captured:
            figures.figures_for(name, school_ids, today=today)
        assert not captured.captured_queries, f"{name} was not warmed"


def test_a_stale_school_is_recomputed_and_the_rest_left_alone(personas):
    p = personas
    _warm()
    figures.invalidate(figure="training.compliance", schools=[p.school])
    _warm()
    with CaptureQueriesContext(connection) as captured:
        figures.figures_for("training.compliance", [p.school.pk, p.other_school.pk])
    assert not captured.captured_queries
