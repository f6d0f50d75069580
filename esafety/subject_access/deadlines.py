"""The subject access deadline, as the ICO puts it: the period starts on the day the
request arrives (or the day proof of identity arrives, when it had to be asked for) and
ends on the corresponding calendar date of the next month; if there is none (31 January
-> February), the last day of that month; if that day is a weekend or a bank holiday,
the next working day. An extension adds up to two further months, counted the same way.

School holidays and INSET days do not stop the clock (the ICO says so for schools), so
only weekends and bank holidays in England and Wales move the date: esafety/workdays.py
asked with no school.
"""

import calendar
import datetime

from ..workdays import closed_reason, next_working_day

MAX_EXTENSION_MONTHS = 2


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The corresponding calendar date `months` later, or that month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def respond_by(starts_on: datetime.date, months: int = 1) -> tuple[datetime.date, list[str]]:
    """The last day to respond, and why it was moved past the calendar date (if it was)."""
    due = months_after(starts_on, months)
    reason = closed_reason(None, due)
    if not reason:
        return due, []
    moved, skipped = next_working_day(None, due)
    return moved, [f"{due:%a %-d %b}: {reason}", *skipped]
