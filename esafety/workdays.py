"""Working days for a school: not a weekend, not a bank holiday in England and Wales
(the `holidays` package, kept up to date upstream), not one of the school's closure days.

Deadlines counted in working days (acknowledge by, LADO within one working day, the
trust's second escalation) all come from here, so they agree with each other.
"""

import datetime
from datetime import timedelta
from functools import lru_cache

import holidays

from .models import ClosureDay

# Wales has the same bank holidays as England; Scotland and Northern Ireland differ.
BANK_HOLIDAY_REGION = {"country": "GB", "subdiv": "ENG"}


@lru_cache(maxsize=32)
def _bank_holidays(year: int) -> dict:
    return dict(holidays.country_holidays(**BANK_HOLIDAY_REGION, years=year))


def closed_reason(school, day: datetime.date, closures=None) -> str:
    """Why the school is closed on `day` ("" when it is a working day)."""
    if day.weekday() >= 5:
        return "weekend"
    if name := _bank_holidays(day.year).get(day):
        return f"bank holiday ({name})"
    closures = _closures(school, day) if closures is None else closures
    if day in closures:
        return f"school closed ({closures[day] or 'closure day'})"
    return ""


def _closures(school, around: datetime.date) -> dict:
    """The school's closure days in the few weeks from `around` (one query)."""
    if school is None or school.pk is None:
        return {}
    rows = ClosureDay.objects.filter(
        school=school, date__gte=around, date__lte=around + timedelta(days=60)
    ).values_list("date", "reason")
    return dict(rows)


def is_working_day(school, day: datetime.date) -> bool:
    return not closed_reason(school, day)


def next_working_day(school, day: datetime.date) -> tuple[datetime.date, list[str]]:
    """The first working day after `day`, and the reasons for each day skipped."""
    closures = _closures(school, day)
    skipped = []
    day += timedelta(days=1)
    while reason := closed_reason(school, day, closures):
        skipped.append(f"{day:%a %-d %b}: {reason}")
        day += timedelta(days=1)
    return day, skipped


# --- school days: the days pupils are taught ----------------------------------------------


def _holiday_days(school, start: datetime.date, end: datetime.date) -> dict:
    """The school's holiday days between two dates, each with the holiday's name."""
    from .models import SchoolHoliday

    days = {}
    if school is None or school.pk is None:
        return days
    for name, first, last in SchoolHoliday.objects.filter(
        school=school, starts_on__lte=end, ends_on__gte=start
    ).values_list("name", "starts_on", "ends_on"):
        day = max(first, start)
        while day <= min(last, end):
            days[day] = name
            day += timedelta(days=1)
    return days


def school_day_reason(school, day: datetime.date, closures: dict, holidays_: dict) -> str:
    """Why `day` is not a school day ("" when it is): a working day's reasons, or a holiday."""
    if name := holidays_.get(day):
        return f"holiday ({name})"
    return closed_reason(school, day, closures)


# Long enough for the summer holiday and a week of term either side.
SCHOOL_DAYS_HORIZON = timedelta(days=120)


def add_school_days(school, day: datetime.date, count: int) -> tuple[datetime.date, list[str]]:
    """The `count`th school day after `day` (weekends, bank holidays, closure days and the
    school's holidays skipped), and the reasons for the days skipped. Two queries."""
    end = day + SCHOOL_DAYS_HORIZON
    closures = {}
    if school is not None and school.pk is not None:
        closures = dict(
            ClosureDay.objects.filter(school=school, date__gt=day, date__lte=end).values_list(
                "date", "reason"
            )
        )
    holidays_ = _holiday_days(school, day, end)
    skipped = []
    while count > 0:
        day += timedelta(days=1)
        if reason := school_day_reason(school, day, closures, holidays_):
            skipped.append(f"{day:%a %-d %b}: {reason}")
        else:
            count -= 1
    return day, skipped
