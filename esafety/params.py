"""One way to read an id or a whole number from a request (query string or form post).

`str.isdigit()` is true for superscripts and other digits that `int()` refuses ("²"),
and `int()` accepts Arabic-Indic and fullwidth digits, signs, spaces and underscores: a
value typed into a URL reached a query as something the database could not take (a
server error) or as a number nobody typed. Here only ASCII digits count, within the
range a database id can hold; anything else is "not given". A test greps the project
for the patterns this replaces.
"""

import re

from django.http import Http404

from .validators import LARGEST_ID

_ASCII_WHOLE_NUMBER = re.compile(r"[0-9]{1,19}")


def parse_int(value, *, low: int = 0, high: int = LARGEST_ID) -> int | None:
    """`value` as a whole number written in ASCII digits within [low, high], else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _ASCII_WHOLE_NUMBER.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if low <= number <= high else None


def parse_id(value) -> int | None:
    """A database id (a positive whole number) from a request value, else None."""
    return parse_int(value, low=1)


def parse_ids(values) -> list[int] | None:
    """Every value an id, in order; None if any is not (a tampered list is refused whole)."""
    ids = [parse_id(v) for v in values]
    return None if any(i is None for i in ids) else ids


def id_or_404(value) -> int:
    """An id from the URL's query or a post that a page cannot do without."""
    found = parse_id(value)
    if found is None:
        raise Http404("No such record.")
    return found
