"""HTML built in Python, for rows rendered without the template engine (the incident
queue, the risk register, the heat maps)."""

from html import escape


def escaped(value) -> str:
    """Escaped for HTML as the templates escape (& < > " '), without their lazy-string
    checks: called about ten times for each row of a long table."""
    return escape(str(value))
