"""School terms and the periods the dashboard shows.

The core knows each school's academic year start and its closure days, not its term dates,
so terms follow the usual English pattern: autumn (September to December), spring
(January to March) and summer (April to August), counted in whole months because the
figures are kept per calendar month (esafety/figures.py). A term's last day, for the
report reminder, is the Friday on or before 19 December, the day before Good Friday
(from the same bank-holiday calendar as esafety/workdays.py) and the Friday on or before
21 July.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from esafety.figures import first_of, month_key, months_back
from esafety.workdays import _bank_holidays

NAMES = ("autumn", "spring", "summer")
MONTHS = {"autumn": (9, 10, 11, 12), "spring": (1, 2, 3), "summer": (4, 5, 6, 7, 8)}
REMIND_BEFORE_END = datetime.timedelta(weeks=3)


def _friday_on_or_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=(day.weekday() - 4) % 7)


def _good_friday(year: int) -> datetime.date:
    return next(d for d, name in _bank_holidays(year).items() if name == "Good Friday")


@dataclass(frozen=True)
class Term:
    year: int  # the calendar year the academic year starts in
    name: str

    @property
    def key(self) -> str:
        return f"{self.year}-{self.name}"

    @property
    def label(self) -> str:
        calendar_year = self.year if self.name == "autumn" else self.year + 1
        return f"{self.name.capitalize()} term {calendar_year}"

    @property
    def months(self) -> list[str]:
        calendar_year = self.year if self.name == "autumn" else self.year + 1
        return [f"{calendar_year:04d}-{m:02d}" for m in MONTHS[self.name]]

    @property
    def ends(self) -> datetime.date:
        if self.name == "autumn":
            return _friday_on_or_before(datetime.date(self.year, 12, 19))
        if self.name == "spring":
            return _good_friday(self.year + 1) - datetime.timedelta(days=1)
        return _friday_on_or_before(datetime.date(self.year + 1, 7, 21))

    @property
    def previous(self) -> "Term":
        index = NAMES.index(self.name)
        if index == 0:
            return Term(self.year - 1, "summer")
        return Term(self.year, NAMES[index - 1])


def term_on(day: datetime.date) -> Term:
    for name, months in MONTHS.items():
        if day.month in months:
            return Term(day.year if name == "autumn" else day.year - 1, name)
    raise AssertionError(day)


def term_from_key(key: str) -> Term:
    year, name = key.split("-", 1)
    return Term(int(year), name)


def academic_year_start(day: datetime.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


# --- periods ----------------------------------------------------------------------------

PERIOD_CHOICES = [
    ("term", "This term"),
    ("year", "This academic year"),
    ("last_year", "Last academic year"),
    ("custom", "Months of your choice"),
]


@dataclass
class Period:
    key: str
    label: str
    months: list[str]  # month keys, oldest first
    start: str = ""
    end: str = ""
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def year_before(self) -> list[str]:
        """The same months a year earlier (for "against the same months last year")."""
        return [f"{int(m[:4]) - 1:04d}{m[4:]}" for m in self.months]

    @property
    def query(self) -> str:
        extra = f"&from={self.start}&to={self.end}" if self.key == "custom" else ""
        return f"period={self.key}{extra}"


def month_label(key: str) -> str:
    return first_of(key).strftime("%b %Y")


def period_from(params, today: datetime.date, *, whole_terms: bool = False) -> Period:
    """The period asked for in the query string; this term when none (or nonsense) is.

    `whole_terms` (a reader whose small numbers are hidden): months of your choice widen to
    the whole terms they fall in. Otherwise "Sep to Nov" beside "Sep to Dec" would give
    December's figures by subtraction, hidden small counts included; every period a
    trustee can see is then a run of whole terms, and each figure is added up from the
    terms' own protected figures (governance/board.py), so no two periods tell more
    than their terms do."""
    kept = months_back(today)
    now = month_key(today)
    key = params.get("period") or "term"
    year = academic_year_start(today)
    if key == "year":
        months = [m for m in kept if f"{year:04d}-09" <= m <= now]
        return Period("year", f"This academic year ({year}–{str(year + 1)[2:]})", months)
    if key == "last_year":
        months = [m for m in kept if f"{year - 1:04d}-09" <= m <= f"{year:04d}-08"]
        return Period("last_year", f"Last academic year ({year - 1}–{str(year)[2:]})", months)
    if key == "custom":
        return _custom_period(params, today, kept, whole_terms)
    term = term_on(today)
    return Period("term", f"This term ({term.label}, so far)", [m for m in term.months if m <= now])


def _custom_period(params, today, kept, whole_terms) -> Period:
    start, end = params.get("from", ""), params.get("to", "")
    errors = []
    if start not in kept or end not in kept:
        errors.append(f"Choose months between {month_label(kept[0])} and {month_label(kept[-1])}.")
    elif start > end:
        errors.append("The first month must not be after the last.")
    if errors:
        fallback = period_from({"period": "term"}, today)
        fallback.errors = errors
        fallback.start, fallback.end = start, end
        return fallback
    notes = []
    if whole_terms:
        asked = f"{month_label(start)} to {month_label(end)}"
        start, end = whole_terms_around(start, end, kept)
        if (start, end) != (params.get("from"), params.get("to")):
            terms = (
                "the term" if term_on(first_of(start)) == term_on(first_of(end)) else "the terms"
            )
            notes.append(
                f"You asked for {asked}. Trustees see whole terms, so that no small number "
                f"can be worked out by comparing two periods: these figures are for {terms} "
                "it falls in."
            )
    months = [m for m in kept if start <= m <= end]
    label = f"{month_label(start)} to {month_label(end)}"
    return Period("custom", label, months, start, end, notes=notes)


def whole_terms_around(start: str, end: str, kept: list[str]) -> tuple[str, str]:
    """The first and last kept months of the whole terms from `start` to `end`. A term whose
    first months are no longer kept is left out (its remaining months would change as the
    kept window moves on), unless it is the only one asked for."""
    first = term_on(first_of(start))
    last = term_on(first_of(end))
    if first.months[0] < kept[0] and first != last:
        first = _next_term(first)
    months = [m for m in kept if first.months[0] <= m <= last.months[-1]]
    return months[0], months[-1]


def _next_term(term: Term) -> Term:
    index = NAMES.index(term.name)
    if index == len(NAMES) - 1:
        return Term(term.year + 1, NAMES[0])
    return Term(term.year, NAMES[index + 1])


def month_choices(today: datetime.date) -> list[tuple[str, str]]:
    return [(m, month_label(m)) for m in reversed(months_back(today))]


def check_term_key(key: str) -> Term:
    try:
        term = term_from_key(key)
    except ValueError as error:
        raise ValidationError("Unknown term.") from error
    if term.name not in NAMES:
        raise ValidationError("Unknown term.")
    return term
