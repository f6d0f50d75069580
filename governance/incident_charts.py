"""The incident charts of the governance dashboard (by month, the 4 Cs, categories, kinds,
agencies), each protected for its reader (`governance.suppression`).

A period is added up term by term: each term is protected on its own and the period's
figure is their sum, shown only where every term shows its own (as a trust's is from its
schools), so two periods compared tell nothing their terms do not. Months are protected
within their term, and where too few show the chart falls back to terms, then to the
whole period, and says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from esafety.charts import Series, chart
from esafety.figures import figures_for, first_of

from .sections import Section, dashboard_section
from .suppression import Protected, combine, protect
from .terms import month_label, term_on

if TYPE_CHECKING:
    from .board import Reader


RISK_AREAS = [
    ("content", "Content"),
    ("contact", "Contact"),
    ("conduct", "Conduct"),
    ("commerce", "Commerce"),
]


def protected_for(per_school: list[dict], keys: list, reader: Reader, *, total_known=True):
    """One breakdown of the schools shown (each school's counts by key), as this reader may
    see it: each school's protected on its own, the sum shown only where all are."""
    under = reader.small_under
    rows = [
        protect([counts.get(k, 0) for k in keys], under=under, total_known=total_known)
        for counts in per_school
    ]
    return combine(rows, under=under, total_known=total_known)


def series_of(name: str, protected: Protected) -> Series:
    return Series(name, protected.shown, list(protected.texts))


def sum_months(values: dict, months: list[str]) -> dict:
    """Add up the month buckets of `months` over several schools' by-month figures."""
    total: dict = {}
    for value in values:
        for key in months:
            month = value["months"].get(key)
            if not month:
                continue
            for name, item in month.items():
                if isinstance(item, dict):
                    into = total.setdefault(name, {})
                    for k, n in item.items():
                        into[k] = into.get(k, 0) + n
                elif isinstance(item, list):
                    total.setdefault(name, []).extend(item)
                else:
                    total[name] = total.get(name, 0) + item
    return total


def _most(item):
    return (-item[1], item[0])


def small_note(reader, protected: list[Protected]) -> list[str]:
    if not any(p.any_hidden for p in protected):
        return []
    n = reader.small_under
    return [
        f"\u201cFewer than {n}\u201d can also mean none; \u201chidden\u201d: hidden so that a "
        "small count cannot be worked out from the total."
    ]


def _by_term(months: list[str]) -> list[list[str]]:
    """The months of a period in runs of one term each."""
    return [ms for _, ms in _groups(months, "term")]


def _period_counts(values: list, months: list[str], name: str) -> list[dict]:
    """Each school's counts by key (`name`: by_area, by_category, ...), one row for each
    term of `months`: each term is protected on its own and the period's figure is their
    sum, shown only where every term shows its own (as a trust's is from its schools). A
    trustee can show any one term, so a period's figure protected on its own could be
    compared with its terms' to work out a count they hide."""
    return [sum_months([v], ms).get(name, {}) for v in values for ms in _by_term(months)]


def _groups(months: list[str], level: str) -> list[tuple[str, list[str]]]:
    """The months of a period as bars: each month, each term, or the whole period."""
    if level == "month":
        return [(month_label(m), [m]) for m in months]
    if level == "term":
        found: dict[str, list[str]] = {}
        for m in months:
            found.setdefault(term_on(first_of(m)).label, []).append(m)
        return list(found.items())
    return [("The whole period", list(months))]


def _year_earlier(months: list[str]) -> list[str]:
    return [f"{int(m[:4]) - 1:04d}{m[4:]}" for m in months]


LEVEL_NOTES = {
    "month": "",
    "term": "Some months are too few to show without pointing to a child, so the bars are terms.",
    "period": "Some months are too few to show without pointing to a child, so the bars are "
    "the whole period.",
}


def _mostly_hidden(protected: Protected) -> bool:
    """Fewer than half the incidents would be in the picture at this level."""
    shown = sum(v for v in protected.shown if v)
    return protected.any_hidden and 2 * shown < sum(protected.values)


def _by_month_chart(incidents, period, reader, total, last_year):
    """Incidents by month against a year earlier; where the months shown on a trustee's page
    would hold fewer than half the incidents (the rest hidden as small), by term, else the
    whole period (its totals, always shown)."""
    months = period.months
    levels = ["month"]
    if len({term_on(first_of(m)) for m in months}) > 1:
        levels.append("term")
    levels.append("period")
    for level in levels:
        groups = _groups(months, level)
        this = _groups_protected(incidents, groups, level, reader, lambda ms: ms)
        before = _groups_protected(incidents, groups, level, reader, _year_earlier)
        if not (_mostly_hidden(this) or _mostly_hidden(before)):
            break
    title = {
        "month": "Incidents by month, against the same months a year earlier",
        "term": "Incidents by term, against the same months a year earlier",
        "period": "Incidents in the period, against the same months a year earlier",
    }[level]
    notes = [LEVEL_NOTES[level]] if LEVEL_NOTES[level] else []
    return chart(
        title,
        [label for label, _ in groups],
        [series_of("This period", this), series_of("A year earlier", before)],
        kind="bar",
        label_heading={"month": "Month", "term": "Term", "period": "Period"}[level],
        summary=f"{total} incidents in the period, {last_year} a year earlier.",
        notes=notes + small_note(reader, [this, before]),
    )


def _groups_protected(incidents, groups, level, reader, shift) -> Protected:
    """The incidents in each group of months (`shift`: which year's months), protected.
    Months are a breakdown of their term's total (which a trustee sees by choosing that
    term), so each term's months are protected on their own; terms, or the whole period,
    are protected together."""

    def total(value, ms):
        return sum(value["months"].get(m, {}).get("total", 0) for m in shift(ms))

    blocks: dict = {}
    for i, (_, ms) in enumerate(groups):
        blocks.setdefault(term_on(first_of(ms[0])) if level == "month" else level, []).append(i)
    parts = [
        protected_for(
            [{i: total(v, groups[i][1]) for i in block} for v in incidents], block, reader
        )
        for block in blocks.values()
    ]
    if len(parts) == 1:
        return parts[0]
    values = tuple(v for p in parts for v in p.values)
    texts = tuple(t for p in parts for t in p.texts)
    return Protected(values, texts, reader.small_under, any(p.zeros_hidden for p in parts))


def incident_charts(incidents, period, reader, total, last_year):
    months = period.months
    charts = [_by_month_chart(incidents, period, reader, total, last_year)]
    specs = [
        ("Incidents by risk area (the 4 Cs)", "by_area", "Risk area",
         lambda counts: [*RISK_AREAS, ("not recorded", "Not recorded")], True),
        ("Incidents by category", "by_category", "Category", lambda counts: _categories(), True),
        ("Incidents by kind (the ten most common)", "by_tag", "Kind", _top_kinds, False),
        ("Referrals by agency", "referrals", "Agency", lambda counts: _agencies(), True),
    ]  # fmt: skip
    for title, name, heading, labels_of, total_known in specs:
        per_school = _period_counts(incidents, months, name)
        charts.append(_breakdown(title, labels_of, per_school, reader, heading, total_known))
    return charts


def _top_kinds(counts: dict) -> list[tuple[str, str]]:
    return [(k, k) for k, _ in sorted(counts.items(), key=_most)[:10]]


def _breakdown(title, labels_of, per_school, reader, heading, total_known):
    """One breakdown's chart: the schools' counts by key, protected for this reader.
    `total_known`: the cells add up to a total the reader sees (every incident has one
    risk area, one category); the kinds do not (an incident may have several, or none)."""
    series_name = "Referrals" if heading == "Agency" else "Incidents"
    summed: dict = {}
    for counts in per_school:
        for k, n in counts.items():
            summed[k] = summed.get(k, 0) + n
    labels = labels_of(summed)
    protected = protected_for(per_school, [k for k, _ in labels], reader, total_known=total_known)
    rows = [
        (label, value, text)
        for (key, label), value, text in zip(labels, protected.values, protected.texts, strict=True)
        if value or text or key != "not recorded"
    ]
    if not total_known and protected.any_hidden:
        # The order must not rank hidden counts: shown ones by size, then hidden by name.
        rows.sort(key=lambda r: (r[2] is not None, -r[1] if r[2] is None else 0, r[0]))
    series = Series(series_name, [None if t else v for _, v, t in rows], [t for _, _, t in rows])
    summary = (
        f"{sum(protected.values)} in all."
        if total_known
        else "An incident may be of several kinds, or none."
    )
    return chart(
        title,
        [label for label, _, _ in rows],
        [series],
        label_heading=heading,
        summary=summary,
        notes=small_note(reader, [protected]),
    )


def _categories():
    from incidents.categories import CATEGORIES

    return [(c.code, c.label) for c in CATEGORIES] + [("not recorded", "Not recorded")]


def _agencies():
    from incidents.models import Agency

    return list(Agency.choices)


@dashboard_section(order=25)
def by_vulnerability(*, schools, school, reader, period, today):
    """Incidents involving pupils with each vulnerability flag (last 12 months), as the
    reader may see them: each school protected on its own, the trust's the sum."""
    from esafety.models_flags import Vulnerability

    ids = [s.pk for s in schools]
    values = figures_for("incidents.by_vulnerability", ids)
    keys = [key for key, _ in Vulnerability.choices]
    per_school = [values.get(s, {}) for s in ids]
    if not any(per_school):
        return None
    protected = protected_for(per_school, keys, reader, total_known=False)
    labels = [label for _, label in Vulnerability.choices]
    drawing = chart(
        "Incidents involving pupils with a vulnerability flag (last 12 months)",
        labels,
        [series_of("Incidents", protected)],
        notes=["An incident counts once under each flag its pupils hold."],
    )
    return Section(
        key="by-vulnerability",
        title="Vulnerable pupils",
        charts=[drawing],
        definition="Incidents in the last 365 days involving a pupil who holds that flag "
        "today (SEND, looked after, ...). Small counts are shown as “fewer than” a number.",
        order=25,
    )
