"""Charts drawn on the server as SVG, the same for pages and PDFs, each with its numbers.

A thin wrapper over pygal (pinned in requirements.txt; see README "Charts"): apps pass
labels and series of numbers, never SVG geometry, and get a `Chart` that the template
`esafety/partials/chart.html` shows as an image (a data: URI, so the Content-Security-
Policy needs no inline style or script) followed by its data table in a <details>
"Show the numbers" toggle that works without JavaScript. PDFs (WeasyPrint) include
`esafety/partials/chart_pdf.html`: the same image, the table printed beneath.

- Colours: the Okabe-Ito palette (safe for the common colour-vision deficiencies), the
  darker colours first, fully opaque; series are also told apart by the legend and the
  table, never by colour alone.
- A value of None is not drawn (e.g. a small number a trustee may not see) and the table
  shows its `display` text instead ("fewer than 3").
- Output is deterministic (no random ids, no dates), so a PDF of the same figures hashes
  the same and the PDF cache can key on it.

The core names no app: charts know labels and numbers only.
"""

import base64
import contextvars
import hashlib
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import pygal
from django.core.cache import cache
from django.utils import timezone
from pygal.style import Style

logger = logging.getLogger(__name__)

# Okabe & Ito (2008), darker first: blue, vermillion, bluish green, reddish purple, black,
# orange, sky blue. Blue, vermillion and green keep 3:1 against white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9")

STYLE = Style(
    colors=PALETTE,
    background="white",
    plot_background="white",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    opacity="1",
    opacity_hover="1",
    font_family="DejaVu Sans, Arial, sans-serif",
    title_font_size=15,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    value_font_size=12,
    tooltip_font_size=12,
    no_data_font_size=16,
    value_colors=("#212529",) * len(PALETTE),  # printed beyond the bar's end, on white
)


@dataclass
class Series:
    name: str
    values: Sequence  # numbers; None where a value is not drawn
    display: Sequence | None = None  # the table's text for each value (default: the number)

    def shown(self, index: int, unit: str = "") -> str:
        if self.display is not None and self.display[index] is not None:
            return str(self.display[index])
        value = self.values[index]
        return "" if value is None else _number(value) + unit


@dataclass
class Chart:
    """One chart and its data table. `svg` is the drawing; `table_*` its numbers."""

    title: str
    labels: list[str]
    series: list[Series]
    svg: str
    summary: str = ""  # one sentence for the image's alt text
    label_heading: str = ""
    unit: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()

    @property
    def alt(self) -> str:
        text = f"Chart: {self.title}."
        if self.summary:
            text += f" {self.summary}"
        return text + " The numbers are in the table below the chart."

    @property
    def table_rows(self) -> list[tuple[str, list[str]]]:
        return [
            (label, [s.shown(i, self.unit) for s in self.series])
            for i, label in enumerate(self.labels)
        ]

    @property
    def hides(self) -> bool:
        """A value is not drawn because it may not be shown (its text says why)."""
        return any(
            v is None and s.display is not None and s.display[i] is not None
            for s in self.series
            for i, v in enumerate(s.values)
        )

    @property
    def drawable(self) -> bool:
        """Something to draw: a value above zero that may be shown."""
        return any(v for s in self.series for v in s.values if v is not None)


def _number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return f"{int(value):,}"


def _integer_ticks(values, percent=False) -> list[int]:
    if percent:
        return [0, 25, 50, 75, 100]
    top = max([v for v in values if v is not None] or [0])
    if top <= 5:
        return list(range(0, max(int(top), 1) + 1))
    # The smallest step of 1, 2 or 5 times a power of ten giving six intervals at most.
    power = 10 ** max(math.floor(math.log10(top)) - 1, 0)
    step = next(
        n * p for p in (power, power * 10, power * 100) for n in (1, 2, 5) if top / (n * p) <= 6
    )
    return list(range(0, -(-int(top) // step) * step + 1, step))


CACHE_SECONDS = 24 * 60 * 60

_KINDS = {"bar": pygal.Bar, "hbar": pygal.HorizontalBar, "line": pygal.Line}


def chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    kind: str = "hbar",
    label_heading: str = "",
    percent: bool = False,
    summary: str = "",
    notes: Sequence[str] = (),
    width: int = 640,
) -> Chart:
    """A bar (`bar`, `hbar`) or line chart of `series` over `labels`. Counts get whole-
    number axes; `percent` fixes the axis at 0-100."""
    labels = [str(label) for label in labels]
    series = list(series)
    rows = max(len(labels), 1)
    height = 90 + rows * (14 + 12 * len(series)) if kind == "hbar" else 320
    options = {
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "width": width,
        "height": max(height, 160),
        "show_legend": len(series) > 1,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": min(len(series), 3) or 1,
        # Values on the bars when there is one series; with several, in the table.
        # Every bar carries its number, just beyond its end (readable however short it is).
        "print_values": kind != "line",
        "print_values_position": "top",
        "print_zeroes": False,
        "truncate_label": 40,
        "truncate_legend": 40,
        "show_minor_y_labels": True,
        "x_label_rotation": 0 if kind == "hbar" or len(labels) <= 8 else 30,
        "margin": 12,
        "value_formatter": (lambda v: f"{v:.0f}%") if percent else _number,
        "y_labels": _integer_ticks([v for s in series for v in s.values], percent=percent),
        "no_data_text": "Nothing to show",
    }
    # The same numbers draw the same picture: kept in the cache (drawing costs ~30 ms).
    key = (
        "chart:v2:"
        + hashlib.sha256(
            repr(
                (title, labels, [(s.name, list(s.values)) for s in series], kind, percent, width)
            ).encode()
        ).hexdigest()
    )
    svg = cache.get(key)
    if svg is None:
        # New numbers (after a change) are drawn; only after a flush is the database asked.
        svg = (kept_drawing(key) if cache_was_flushed() else None) or keep_drawing(
            key, _draw(kind, options, title, labels, series)
        )
        cache.set(key, svg, CACHE_SECONDS)
    return Chart(
        title=title,
        labels=labels,
        series=series,
        svg=svg,
        summary=summary,
        label_heading=label_heading,
        unit="%" if percent else "",
        notes=list(notes),
    )


def _clean(svg: str) -> str:
    """No script, no comments (they carry a date) and a fixed id instead of pygal's random
    one: each image is its own document, so one id serves them all."""
    svg = re.sub(r"<script.*?</script>", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    return re.sub(r"chart-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "c", svg)


def _draw(kind, options, title, labels, series) -> str:
    drawing = _KINDS[kind](**options)
    drawing.title = title
    # pygal draws a horizontal bar chart's first label at the bottom: turn it over.
    turn = (lambda items: list(items)[::-1]) if kind == "hbar" else list
    drawing.x_labels = turn(labels)
    for one in series:
        drawing.add(one.name, turn(one.values))
    svg = _clean(drawing.render(is_unicode=True))
    if kind == "hbar":  # the number starts just past the bar's end, not across it
        svg = svg.replace('text-anchor="middle" x=', 'text-anchor="start" x=')
    return svg


# --- drawings kept in the database, for when the cache has lost them ------------------------

KEPT_DAYS = 30  # a drawing nobody has needed for this long is deleted by the sweep


def kept_drawing(key: str) -> str | None:
    """The drawing kept under `key`, marked as used today (one query, a second only on
    its first use of the day)."""
    from .models import ChartDrawing

    found = ChartDrawing.objects.filter(key=key).values_list("svg", "used_on").first()
    if found is None:
        return None
    svg, used_on = found
    today = timezone.localdate()
    if used_on < today:
        ChartDrawing.objects.filter(key=key).update(used_on=today)
    return svg


def keep_drawing(key: str, svg: str) -> str:
    """Keep a new drawing in the database too: in a request, all of its new drawings in one
    statement once the response is sent (a dashboard after a change draws ten)."""
    request = _request.get()
    if request is not None:
        request.new_drawings[key] = svg
    else:
        _insert({key: svg})
    return svg


def _insert(drawings: dict) -> None:
    from .models import ChartDrawing

    today = timezone.localdate()
    ChartDrawing.objects.bulk_create(
        [ChartDrawing(key=k, svg=v, used_on=today) for k, v in drawings.items()],
        ignore_conflicts=True,
    )


ALIVE = "chart:v2:alive"  # in the cache while it has not been flushed since charts were kept


def cache_was_flushed() -> bool:
    """Whether the cache lost its drawings (a flush, Redis restarted): only then may a
    drawing not in it be in the database. Asked once a request."""
    request = _request.get()
    if request is not None and request.flushed is not None:
        return request.flushed
    flushed = cache.add(ALIVE, True, timeout=None)  # added: it had gone
    if request is not None:
        request.flushed = flushed
    return flushed


@dataclass
class _RequestDrawings:
    flushed: bool | None = None
    new_drawings: dict = field(default_factory=dict)


_request: contextvars.ContextVar[_RequestDrawings | None] = contextvars.ContextVar(
    "chart_drawings", default=None
)


def start_request() -> None:
    _request.set(_RequestDrawings())


def finish_request() -> None:
    """After the response: the request's new drawings in one INSERT (its failure costs
    only a redraw after the next flush, so it is logged, never raised)."""
    request = _request.get()
    _request.set(None)
    if request is None or not request.new_drawings:
        return
    try:
        _insert(request.new_drawings)
    except Exception:  # the database is down or the response's transaction is gone
        logger.exception("Could not keep %d chart drawings", len(request.new_drawings))


def forget_unused_drawings(today) -> int:
    """Delete the drawings nobody has needed for KEPT_DAYS; how many were deleted."""
    from .models import ChartDrawing

    unused = ChartDrawing.objects.filter(used_on__lt=today - timedelta(days=KEPT_DAYS))
    return unused.delete()[0]
