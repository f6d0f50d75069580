"""The dashboard's content, built from the cached figures (esafety/figures.py) for a set of
schools, a period and a reader. The pages, the CSV and the termly report PDF all call
`build`, so a figure is computed once, in its app, and drawn the same way everywhere.

Rules applied here, once:
- Incidents: every breakdown counts incidents that are not concerns about staff; those
  (and concerns about the headteacher) are one count, for the chair of trustees only.
- Small numbers: on trustees' pages and in the reports, every breakdown (months, the 4 Cs,
  categories, kinds, agencies, the year-earlier series) goes through
  `governance.suppression` with the trust's threshold (counts under 5 by default): small
  counts read "fewer than 5" and more are hidden where one could be worked out from the
  total and the rest; the trust's breakdown shows a cell only where every school shows its
  own. Months too small to show fall back to terms, then to the whole period (said so on
  the chart). The totals of a school and of the trust (the headline figures, the schools
  side by side) are shown. (A school's breakdown left with nothing to draw is not drawn
  from the trust's instead: the trust's count is hidden wherever that school's is, so the
  trust's picture would show only what the school has none of.)
"""

import statistics
from dataclasses import dataclass, field

from django.urls import reverse

from esafety.charts import Series, chart
from esafety.figures import figures_for, registered_figures

from .incident_charts import incident_charts, sum_months
from .sections import sections_for

FIGURES = (
    "incidents.by_month",
    "incidents.overdue_actions",
    "devices.by_month",
    "devices.summary",
    "agreements.coverage",
    "agreements.policy_status",
    "training.by_group",
    "risks.register",
    "risks.governance",
    "risks.filtering",
    "esafety.people",
)


@dataclass
class Reader:
    """How the figures are shown to this person."""

    trustee_view: bool  # a trustee's page or a report: small numbers may be hidden
    under: int  # the trust's setting: counts under it are small (0: off; trustee views only)
    sees_staff_concerns: bool  # the chair of trustees
    manages: bool  # the school's headteacher or officer: links to the records

    @property
    def hides_small(self) -> bool:
        return self.trustee_view and self.under > 0

    @property
    def small_under(self) -> int:
        """The threshold these figures are shown with (0: every number exact)."""
        return self.under if self.hides_small else 0


@dataclass
class Tile:
    key: str  # the anchor of its definition
    label: str
    value: str
    detail: str = ""
    link: str = ""
    warn: bool = False


@dataclass
class Board:
    schools: list
    school: object  # one school, or None for the whole trust
    period: object
    reader: Reader
    tiles: list = field(default_factory=list)
    charts: list = field(default_factory=list)  # (heading, [Chart])
    comparison: dict | None = None
    policy_rows: list = field(default_factory=list)
    high_risks: list = field(default_factory=list)  # (school, [risk])
    heatmaps: list = field(default_factory=list)  # (school, grids)
    sections: list = field(default_factory=list)
    staff_concerns: int | None = None

    @property
    def all_charts(self):
        return [c for _, group in self.charts for c in group]


def _staff_concerns(summed: dict) -> int:
    return summed.get("staff_concerns", 0) + summed.get("head_concerns", 0)


def staff_concerns_in(schools, months: list[str]) -> int:
    """Concerns about staff and about the headteacher reported in `months`: the chair of
    trustees' count (never in a breakdown, a trustee's page or a report's PDF)."""
    values = figures_for("incidents.by_month", [s.pk for s in schools])
    return _staff_concerns(sum_months(list(values.values()), months))


def _hours(minutes: float | None) -> str:
    if minutes is None:
        return "none acknowledged"
    if minutes < 60:
        return f"{round(minutes)} min"
    hours = minutes / 60
    return f"{hours:.1f} hours" if hours < 48 else f"{hours / 24:.1f} days"


def ack_figures(minutes: list[int], acknowledged: int, same_day: int) -> dict:
    """Median and 90th percentile of the time to acknowledge, and the share the same
    school day. The percentile is the nearest rank: 9 in 10 were acknowledged within it."""
    if not minutes:
        return {"median": None, "p90": None, "same_day": None}
    ordered = sorted(minutes)
    rank = max(1, -(-9 * len(ordered) // 10))  # ceil(0.9 n)
    return {
        "median": statistics.median(ordered),
        "p90": ordered[rank - 1],
        "same_day": round(100 * same_day / acknowledged) if acknowledged else None,
    }


def _percent(done, required) -> int | None:
    return round(100 * done / required) if required else None


def _definition(key: str) -> str:
    return f"{reverse('governance-definitions')}#{key}"


def _link(reader, name, school, key, **query) -> str:
    """Where a figure leads: the records behind it for the school's leads, else what the
    figure means."""
    if reader.manages and school is not None:
        url = reverse(name, args=[school.slug])
        return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    return _definition(key)


def read_figures(school_ids, *, exact=False) -> dict:
    """The board's figures; `exact` for what is signed (the termly report)."""
    return {name: figures_for(name, school_ids, exact=exact) for name in FIGURES}


def build(*, schools, school, period, reader, today, figures=None) -> Board:
    """The dashboard for `schools` (all of a trust, or one), summed over `period`."""
    ids = [s.pk for s in schools]
    figures = figures or read_figures(ids)
    board = Board(schools=schools, school=school, period=period, reader=reader)
    incidents = [figures["incidents.by_month"][s] for s in ids]
    now = sum_months(incidents, period.months)
    before = sum_months(incidents, period.year_before)
    one = school  # links go to one school's records

    # --- incidents ---------------------------------------------------------------------
    total, last_year = now.get("total", 0), before.get("total", 0)
    board.tiles.append(
        Tile(
            "incidents",
            "Incidents",
            f"{total:,}",
            f"{last_year:,} in the same months a year earlier",
            reverse("incident-queue") if reader.manages else _definition("incidents"),
        )
    )
    ack = ack_figures(
        now.get("ack_minutes", []), now.get("acknowledged", 0), now.get("same_day", 0)
    )
    board.tiles.append(
        Tile(
            "acknowledge",
            "Time to acknowledge (median)",
            _hours(ack["median"]),
            f"9 in 10 within {_hours(ack['p90'])}" if ack["p90"] is not None else "",
            _definition("acknowledge"),
        )
    )
    board.tiles.append(
        Tile(
            "same-day",
            "Acknowledged the same school day",
            f"{ack['same_day']}%" if ack["same_day"] is not None else "–",
            f"of {now.get('acknowledged', 0):,} acknowledged",
            _definition("same-day"),
            warn=ack["same_day"] is not None and ack["same_day"] < 90,
        )
    )
    board.tiles.append(
        Tile(
            "escalations",
            "Escalated (not acknowledged in time)",
            f"{now.get('escalated', 0):,}",
            link=_definition("escalations"),
            warn=bool(now.get("escalated")),
        )
    )
    overdue = sum(figures["incidents.overdue_actions"][s] for s in ids)
    board.tiles.append(
        Tile(
            "overdue-actions",
            "Incident actions overdue (today)",
            f"{overdue:,}",
            link=_link(reader, "governance-overdue-actions", one, "overdue-actions"),
            warn=bool(overdue),
        )
    )
    if reader.sees_staff_concerns:
        board.staff_concerns = _staff_concerns(now)

    months = period.months
    board.charts.append(("Incidents", incident_charts(incidents, period, reader, total, last_year)))

    # --- training and agreements ------------------------------------------------------
    training: dict[str, dict] = {}
    for s in ids:
        for title, groups in figures["training.by_group"][s]:
            row = training.setdefault(title, {"staff": [0, 0], "trustees": [0, 0]})
            for group, (required, done) in groups.items():
                row[group][0] += required
                row[group][1] += done
    staff_req = sum(r["staff"][0] for r in training.values())
    staff_done = sum(r["staff"][1] for r in training.values())
    board.tiles.append(
        Tile(
            "training",
            "Staff training up to date",
            f"{_percent(staff_done, staff_req)}%" if staff_req else "–",
            f"{staff_done:,} of {staff_req:,} requirements met",
            _link(reader, "training-matrix", one, "training"),
            warn=bool(staff_req) and _percent(staff_done, staff_req) < 90,
        )
    )
    titles = sorted(training)
    coverage: dict[str, list] = {}
    for s in ids:
        for document, numbers in figures["agreements.coverage"][s]:
            row = coverage.setdefault(document.title, [0, 0])
            row[0] += numbers.audience
            row[1] += numbers.signed
    audience = sum(a for a, _ in coverage.values())
    signed = sum(b for _, b in coverage.values())
    board.tiles.append(
        Tile(
            "coverage",
            "Agreements signed (all documents)",
            f"{_percent(signed, audience)}%" if audience else "–",
            f"{signed:,} of {audience:,} signatures needed",
            _link(reader, "agreements-registers", one, "coverage"),
        )
    )
    board.charts.append(
        (
            "Training and agreements",
            [
                chart(
                    "Training up to date, by requirement",
                    titles,
                    [
                        Series(
                            "Staff",
                            [_percent(*training[t]["staff"][::-1]) for t in titles],
                            [_of(training[t]["staff"]) for t in titles],
                        ),
                        Series(
                            "Trustees",
                            [_percent(*training[t]["trustees"][::-1]) for t in titles],
                            [_of(training[t]["trustees"]) for t in titles],
                        ),
                    ],
                    percent=True,
                    label_heading="Requirement",
                    summary="The share of staff and of trustees whose training is done.",
                ),
                chart(
                    "Agreements and consent signed, by document",
                    sorted(coverage),
                    [
                        Series(
                            "Signed",
                            [_percent(coverage[d][1], coverage[d][0]) for d in sorted(coverage)],
                            [_of(coverage[d]) for d in sorted(coverage)],
                        )
                    ],
                    percent=True,
                    label_heading="Document",
                    summary="The share of everyone who must sign each document who has.",
                    notes=["The parent agreement carries the photo and internet consent."],
                ),
            ],
        )
    )

    # --- risks, filtering, policy -----------------------------------------------------
    governance = figures["risks.governance"]
    filtering = figures["risks.filtering"]
    high = sum(len(governance[s]["high"]) for s in ids)
    board.tiles.append(
        Tile(
            "high-risks",
            "Open HIGH risks",
            f"{high:,}",
            link=_link(reader, "risk-register", one, "high-risks"),
            warn=bool(high),
        )
    )
    states = [filtering[s]["state"] for s in ids]
    late = sum(state in ("overdue", "none") for state in states)
    checks_late = sum(governance[s]["checks_overdue"] for s in ids)
    board.tiles.append(
        Tile(
            "filtering",
            "Filtering and monitoring",
            _filtering_value(filtering, governance, ids, one),
            f"{checks_late} school{'s' if checks_late != 1 else ''} with checks overdue"
            if one is None
            else ("Checks overdue" if checks_late else "Checks up to date"),
            _link(reader, "filtering", one, "filtering"),
            warn=bool(late or checks_late),
        )
    )
    by_id = {s.pk: s for s in schools}
    board.high_risks = [(by_id[s], governance[s]["high"]) for s in ids]
    policy = figures["agreements.policy_status"]
    board.policy_rows = [(by_id[s], policy[s]) for s in ids]
    if one is not None:
        board.heatmaps = [(one, _heatmap(figures["risks.register"][one.pk]))]

    # --- devices and data -------------------------------------------------------------
    devices = [figures["devices.summary"][s] for s in ids]
    device_months = sum_months([figures["devices.by_month"][s] for s in ids], months)
    breaches = device_months.get("breaches", 0)
    reported = device_months.get("reported", 0)
    on_time = device_months.get("reported_on_time", 0)
    board.tiles += [
        Tile(
            "devices",
            "Devices not compliant (today)",
            f"{sum(d.non_compliant for d in devices):,}",
            f"of {sum(d.in_service for d in devices):,} in service; "
            f"{sum(d.overdue_loans for d in devices):,} loans overdue",
            _link(reader, "devices-non-compliant", one, "devices"),
            warn=any(d.non_compliant for d in devices),
        ),
        Tile(
            "confiscations",
            "Devices confiscated",
            f"{device_months.get('confiscations', 0):,}",
            link=_definition("confiscations"),
        ),
        Tile(
            "breaches",
            "Data breaches",
            f"{breaches:,}",
            f"{reported} reported to the ICO, {on_time} of them within 72 hours"
            if reported
            else "none reported to the ICO",
            _link(reader, "breaches", one, "breaches"),
            warn=reported > on_time,
        ),
    ]

    if one is None and len(schools) > 1:
        board.comparison = _comparison(schools, figures, period, reader)
    board.sections = sections_for(
        schools=schools, school=school, reader=reader, period=period, today=today
    )
    return board


def _of(pair) -> str | None:
    """[required, done]: the table says so when nobody must (no percentage)."""
    return None if pair[0] else "nobody must"


def _heatmap(register: dict):
    from risks.heatmap import grids, matrices_for

    return grids(register["cells"], "current", matrices_for(register["cells"]))


def _filtering_value(filtering, governance, ids, one) -> str:
    if one is not None:
        figures = filtering[one.pk]
        if figures["next_due"] is None:
            return "No review recorded"
        return f"Next review {figures['next_due']:%-d %b %Y}" + (
            " (overdue)" if figures["state"] == "overdue" else ""
        )
    late = sum(filtering[s]["state"] in ("overdue", "none") for s in ids)
    return f"{len(ids) - late} of {len(ids)} schools reviewed in time"


def _comparison(schools, figures, period, reader) -> dict:
    """The schools side by side: one row per figure, one column per school."""
    rows = []
    incidents, rates, ack_medians, same_day, overdue = [], [], [], [], []
    for school in schools:
        summed = sum_months([figures["incidents.by_month"][school.pk]], period.months)
        total = summed.get("total", 0)
        pupils = figures["esafety.people"][school.pk]["pupils"]
        ack = ack_figures(
            summed.get("ack_minutes", []), summed.get("acknowledged", 0), summed.get("same_day", 0)
        )
        incidents.append(total)
        rates.append(round(100 * total / pupils, 1) if pupils else None)
        ack_medians.append(_hours(ack["median"]))
        same_day.append(f"{ack['same_day']}%" if ack["same_day"] is not None else "–")
        overdue.append(figures["incidents.overdue_actions"][school.pk])
    training, coverage, high, devices = [], [], [], []
    for school in schools:
        rows_t = figures["training.by_group"][school.pk]
        required = sum(g["staff"][0] for _, g in rows_t)
        done = sum(g["staff"][1] for _, g in rows_t)
        training.append(f"{_percent(done, required)}%" if required else "–")
        audience = sum(n.audience for _, n in figures["agreements.coverage"][school.pk])
        signed = sum(n.signed for _, n in figures["agreements.coverage"][school.pk])
        coverage.append(f"{_percent(signed, audience)}%" if audience else "–")
        high.append(len(figures["risks.governance"][school.pk]["high"]))
        devices.append(figures["devices.summary"][school.pk].non_compliant)
    rows = [
        ("Incidents", [f"{n:,}" for n in incidents]),
        ("Incidents per 100 pupils", [f"{r}" if r is not None else "–" for r in rates]),
        ("Time to acknowledge (median)", ack_medians),
        ("Acknowledged the same school day", same_day),
        ("Incident actions overdue", [f"{n:,}" for n in overdue]),
        ("Staff training up to date", training),
        ("Agreements signed", coverage),
        ("Open HIGH risks", [f"{n:,}" for n in high]),
        ("Devices not compliant", [f"{n:,}" for n in devices]),
    ]
    drawing = chart(
        "Incidents per 100 pupils, by school",
        [s.name for s in schools],
        [Series("Per 100 pupils", rates)],
        label_heading="School",
        summary="How often incidents are logged in each school, for its size.",
    )
    by_school = [(school, [cells[i] for _, cells in rows]) for i, school in enumerate(schools)]
    return {
        "rows": rows,
        "headings": [label for label, _ in rows],
        "by_school": by_school,
        "chart": drawing,
    }


def extra_figures_present() -> list[str]:
    """Figures registered by other apps that the dashboard draws through a section."""
    return sorted(name for name in registered_figures() if name.endswith(".levels"))
