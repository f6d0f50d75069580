"""Working-day arithmetic for the incident timers, with the reason for each deadline.

Working days come from the core (`esafety.workdays`): weekdays that are not bank holidays
in England and Wales nor the school's own closure days.
"""

import datetime
from dataclasses import dataclass

from esafety.workdays import is_working_day, next_working_day

LAST_HOUR = datetime.timedelta(hours=1)
NEXT_DAY_DEADLINE = datetime.time(10, 0)


@dataclass(frozen=True)
class Deadline:
    at: datetime.datetime
    reason: str  # shown to the officer: why this moment


def acknowledge_due(school, reported_at: datetime.datetime) -> Deadline:
    """By the end of the working day it was reported; reported in the last hour of the day
    (or after it, or on a day the school is closed): by 10:00 the next working day."""
    tz = school.tz
    local = reported_at.astimezone(tz)
    day_end = datetime.datetime.combine(local.date(), school.school_day_ends, tzinfo=tz)
    if is_working_day(school, local.date()) and local < day_end - LAST_HOUR:
        return Deadline(day_end, f"the end of the school day, {school.school_day_ends:%H:%M}")
    day, skipped = next_working_day(school, local.date())
    reason = f"next working day, {NEXT_DAY_DEADLINE:%H:%M}"
    if skipped:
        reason += " (skipping " + "; ".join(skipped) + ")"
    return Deadline(datetime.datetime.combine(day, NEXT_DAY_DEADLINE, tzinfo=tz), reason)


def acknowledge_deadline(school, reported_at: datetime.datetime) -> datetime.datetime:
    return acknowledge_due(school, reported_at).at


def add_working_days(school, moment: datetime.datetime, days: int) -> datetime.datetime:
    """The same time of day `days` working days later (LADO: within one working day)."""
    tz = school.tz
    local = moment.astimezone(tz)
    day = local.date()
    for _ in range(days):
        day, _skipped = next_working_day(school, day)
    return datetime.datetime.combine(day, local.time(), tzinfo=tz)
