"""Charts carry their numbers: on every bar (with one series or several), and in the table;
a value that may not be shown is neither drawn nor printed, its text in the table."""

import re

import pytest

from esafety.charts import Series, _integer_ticks, chart


def printed(svg: str) -> list[str]:
    return sorted(set(re.findall(r'class="value"[^>]*>([^<]*)<', svg)))  # (pygal writes each twice)


def test_every_bar_of_several_series_carries_its_number(db):
    drawing = chart(
        "By month",
        ["Sep", "Oct"],
        [Series("This period", [12, 40]), Series("A year earlier", [9, 31])],
        kind="bar",
    )
    assert printed(drawing.svg) == ["12", "31", "40", "9"]


def test_a_hidden_value_is_not_drawn_and_its_text_is_in_the_table(db):
    drawing = chart(
        "By risk area",
        ["Content", "Conduct"],
        [Series("Incidents", [30, None], [None, "fewer than 5"])],
    )
    assert printed(drawing.svg) == ["30"]
    assert drawing.table_rows == [("Content", ["30"]), ("Conduct", ["fewer than 5"])]
    assert drawing.hides and drawing.drawable
    # A horizontal bar's number starts past the bar's end, not across it.
    assert 'text-anchor="start"' in drawing.svg


def test_count_axes_have_a_few_whole_number_steps():
    assert _integer_ticks([4]) == [0, 1, 2, 3, 4]
    assert _integer_ticks([82]) == [0, 20, 40, 60, 80, 100]
    assert _integer_ticks([100]) == [0, 20, 40, 60, 80, 100]


def test_after_the_cache_is_flushed_a_chart_is_read_back_not_drawn_again(db, monkeypatch):
    from django.core.cache import cache

    from esafety import charts

    first = chart("Incidents by month", ["Jan", "Feb"], [Series("Incidents", [3, 5])])
    cache.clear()

    def no_drawing(*args):
        raise AssertionError("drawn again")

    monkeypatch.setattr(charts, "_draw", no_drawing)
    again = chart("Incidents by month", ["Jan", "Feb"], [Series("Incidents", [3, 5])])
    assert again.svg == first.svg
    with pytest.raises(AssertionError):  # other numbers are another picture
        chart("Incidents by month", ["Jan", "Feb"], [Series("Incidents", [3, 6])])


def test_the_sweep_deletes_drawings_unused_for_a_month_and_keeps_those_in_use(db, time_machine):
    import datetime

    from django.core.cache import cache

    from esafety.models import ChartDrawing
    from esafety.sweeps import run_sweeps

    time_machine.move_to(datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC))
    chart("Old", ["a"], [Series("n", [1])])
    chart("Still used", ["a"], [Series("n", [2])])
    time_machine.move_to(datetime.datetime(2026, 10, 25, 9, tzinfo=datetime.UTC))
    cache.clear()
    chart("Still used", ["a"], [Series("n", [2])])  # read back: used today
    time_machine.move_to(datetime.datetime(2026, 11, 5, 9, tzinfo=datetime.UTC))
    run_sweeps()
    assert ChartDrawing.objects.count() == 1
    cache.clear()
    assert "Still used" in chart("Still used", ["a"], [Series("n", [2])]).svg


def test_after_a_change_new_numbers_are_drawn_without_asking_the_database_and_kept_at_the_end(
    db, django_assert_num_queries
):
    from esafety import charts
    from esafety.models import ChartDrawing

    chart("Before", ["a"], [Series("n", [1])])  # the cache holds drawings: not flushed
    charts.start_request()
    with django_assert_num_queries(0):
        chart("Incidents by month", ["Jan"], [Series("Incidents", [4])])
        chart("Incidents by kind", ["Bullying"], [Series("Incidents", [2])])
    with django_assert_num_queries(1):  # both, in one statement, after the response
        charts.finish_request()
    assert ChartDrawing.objects.count() == 3
