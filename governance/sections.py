"""Sections other apps add to the governance dashboard and the termly report.

Two ways in, neither touching this app's code:

1. `figure_section("selfreview.levels", "Self-review levels")`, called from the other
   app's `AppConfig.ready` (after registering the figure): the dashboard reads that
   figure for the schools shown and draws it as a bar chart with its table. Each school's
   value must be a flat mapping `{label: number or None}` (e.g. an aspect -> its level),
   or an object with `as_dashboard()` returning one. Optional: `max_value` (the scale's
   top, e.g. 5), `definition` (one sentence for the "What the figures mean" page).
2. Without even that call: any registered figure whose name ends in `.levels` is drawn the
   same way, titled from its name, if its values have that shape (otherwise skipped).

For anything richer, `@dashboard_section` registers `build(schools, school, reader,
period, today) -> Section | None`: a heading, a template to include (and its context) and
the charts it draws (printed in the PDF too). A builder reads figures only, never rows:
the dashboard keeps the built board until one of its figures goes stale (kept.py), and
test_kept_board checks that a board built from warm figures sends no query.

Values are figures: counts, rates and levels per school, never names.

Small numbers: a figure section is drawn as its app gives it, so register only figures no
child can be picked out from: levels, shares, or counts of things rather than people
(today "selfreview.levels", aspects' levels 1 to 5, and "selfreview.actions", the items of
the school's action plan). A builder that draws counts of incidents or people must pass
them through `governance.suppression.protect(values, under=reader.small_under, ...)` (and
`combine` for several schools), as board.py does, so the rule stays in one place.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from esafety.charts import Series, chart
from esafety.figures import figures_for, registered_figures

_BUILDERS: list[tuple[int, Callable]] = []
_FIGURE_SECTIONS: dict[str, dict] = {}


@dataclass
class Section:
    key: str
    title: str
    charts: list = field(default_factory=list)
    template: str = ""
    context: dict = field(default_factory=dict)
    definition: str = ""
    order: int = 80


def dashboard_section(func: Callable | None = None, *, order: int = 80):
    """Register `func(schools, school, reader, period, today) -> Section | None`."""

    def register(func):
        _BUILDERS.append((order, func))
        return func

    return register(func) if func is not None else register


def figure_section(
    figure_name: str, title: str, *, order: int = 80, max_value=None, definition: str = ""
):
    """Draw the figure `figure_name` (values: {label: number}) as a dashboard section."""
    _FIGURE_SECTIONS[figure_name] = {
        "title": title,
        "order": order,
        "max_value": max_value,
        "definition": definition,
    }


def _flat(value) -> dict | None:
    if hasattr(value, "as_dashboard"):
        value = value.as_dashboard()
    if not isinstance(value, Mapping):
        return None
    if not all(isinstance(k, str) for k in value):
        return None
    if not all(v is None or isinstance(v, int | float) for v in value.values()):
        return None
    return dict(value)


def _figure_sections() -> dict[str, dict]:
    found = dict(_FIGURE_SECTIONS)
    for name in registered_figures():
        if name.endswith(".levels") and name not in found:
            app, what = name.split(".", 1)
            found[name] = {
                "title": f"{app.capitalize()}: {what.replace('_', ' ')}",
                "order": 90,
                "max_value": None,
                "definition": "",
            }
    return found


def _draw_figure(name, options, schools, school) -> Section | None:
    values = figures_for(name, [s.pk for s in schools])
    flat = {s.pk: _flat(values.get(s.pk)) for s in schools}
    if any(v is None for v in flat.values()):
        return None
    labels = []
    for value in flat.values():
        labels += [label for label in value if label not in labels]
    if not labels:
        return None
    shown = schools if len(schools) <= 6 else []
    series = [Series(s.name, [flat[s.pk].get(label) for label in labels]) for s in shown]
    if not shown:  # many schools: the average, with each school in the table below
        averages = []
        for label in labels:
            numbers = [v.get(label) for v in flat.values() if v.get(label) is not None]
            averages.append(round(sum(numbers) / len(numbers), 1) if numbers else None)
        series = [Series("Average of the schools", averages)]
    drawing = chart(options["title"], labels, series, label_heading="")
    return Section(
        key=name.replace(".", "-"),
        title=options["title"],
        charts=[drawing],
        definition=options["definition"],
        order=options["order"],
    )


def sections_for(*, schools, school, reader, period, today) -> list[Section]:
    found = []
    for name, options in _figure_sections().items():
        if name not in registered_figures():
            continue
        if section := _draw_figure(name, options, schools, school):
            found.append(section)
    for order, build in _BUILDERS:
        section = build(schools=schools, school=school, reader=reader, period=period, today=today)
        if section is not None:
            section.order = section.order or order
            found.append(section)
    return sorted(found, key=lambda s: s.order)


def definitions() -> list[tuple[str, str, str]]:
    """(anchor, title, text) of each plugged-in figure, for the definitions page."""
    return [
        (name.replace(".", "-"), options["title"], options["definition"])
        for name, options in _figure_sections().items()
        if name in registered_figures()
    ]
