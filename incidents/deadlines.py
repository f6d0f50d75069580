"""School-day arithmetic for the incident timers.

School days are Monday to Friday; term dates and bank holidays are not modelled yet.
"""

import datetime
from datetime import timedelta

LAST_HOUR = timedelta(hours=1)
NEXT_DAY_DEADLINE = datetime.time(10, 0)


def is_school_day(day: datetime.date) -> bool:
    return day.weekday() < 5


def next_school_day(day: datetime.date) -> datetime.date:
    day += timedelta(days=1)
    while not is_school_day(day):
        day += timedelta(days=1)
    return day


def acknowledge_deadline(school, reported_at: datetime.datetime) -> datetime.datetime:
    """By the end of the school day it was reported; reported in the last hour of the day
    (or after it, or on a non-school day): by 10:00 the next school day."""
    tz = school.tz
    local = reported_at.astimezone(tz)
    day_end = datetime.datetime.combine(local.date(), school.school_day_ends, tzinfo=tz)
    if is_school_day(local.date()) and local < day_end - LAST_HOUR:
        return day_end
    return datetime.datetime.combine(next_school_day(local.date()), NEXT_DAY_DEADLINE, tzinfo=tz)


def add_working_days(school, moment: datetime.datetime, days: int) -> datetime.datetime:
    """The same time of day `days` working days later (LADO: within one working day)."""
    tz = school.tz
    local = moment.astimezone(tz)
    day = local.date()
    for _ in range(days):
        day = next_school_day(day)
    return datetime.datetime.combine(day, local.time(), tzinfo=tz)
