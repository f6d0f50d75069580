"""Ids typed into the address bar: every URL of the permission matrix that takes a record's
id, opened by a persona who may open it, with each id swapped for one that can't exist
(zero, past a 32-bit and a 64-bit column, far past any column) answers "not found" and
never a server error. (Ids in form fields are the generated-input test's job.)"""

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.urls.converters import IntConverter

from esafety.testing import collect_routes, make_personas, sign_in

IMPOSSIBLE_IDS = (0, 2**31, 2**63, 10**30)
PERSONA_ORDER = ("esafety_officer", "headteacher", "teacher", "chair", "trustee", "parent")


def opener(route):
    """A signed-in persona the row lets through (a page or a redirect after a POST)."""
    wanted = (200,) if route.method == "get" else (200, 302)
    return next((name for name in PERSONA_ORDER if route.expect.get(name) in wanted), None)


def id_names(url_name: str) -> set[str]:
    """The parts of the address that are a record's id (`<int:...>`)."""
    names = set()
    for *_, converters in get_resolver().reverse_dict.getlist(url_name):
        names |= {key for key, conv in converters.items() if isinstance(conv, IntConverter)}
    return names


def id_routes():
    for route in collect_routes():
        if route.kwargs and opener(route) and id_names(route.name):
            yield route


@pytest.mark.parametrize("route", list(id_routes()), ids=lambda r: f"{r.method}-{r.name}")
def test_an_impossible_id_in_the_address_is_not_found(route, db):
    personas = make_personas()
    kwargs = route.kwargs(personas)
    ids = sorted(id_names(route.name) & set(kwargs))
    client = Client(raise_request_exception=False)
    sign_in(client, personas.get(opener(route)))
    data = route.data(personas) if route.data else {}
    answers = {}
    for name in ids:
        for impossible in IMPOSSIBLE_IDS:
            url = reverse(route.name, kwargs={**kwargs, name: impossible})
            answers[(name, impossible)] = getattr(client, route.method)(url, data).status_code
    wrong = {key: status for key, status in answers.items() if status != 404}
    assert not wrong, f"{route.method.upper()} {route.name}: (id, value) -> status {wrong}"
