"""HTML built in Python, for rows rendered without the template engine (the incident
queue, the risk register, the heat maps)."""

from html import escape

from django.urls import reverse


def escaped(value) -> str:
    """Escaped for HTML as the templates escape (& < > " '), without their lazy-string
    checks: called about ten times for each row of a long table."""
    return escape(str(value))


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_date(day) -> str:
    """A date as the date filter shows "j M Y" (30 Nov 2026), worked out directly: the
    filter's general formatter was a third of a row's time."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


_ANY_PK = 987654321


def url_for_each(name: str):
    """`reverse(name, args=[pk])` for each row of a long list, reversed once: a reverse
    per row was a tenth of a row's time."""
    pattern = reverse(name, args=[_ANY_PK])
    return lambda pk: pattern.replace(str(_ANY_PK), str(pk))
