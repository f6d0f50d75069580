"""Every URL × every persona → the expected status.

Each app lists its URLs in `<app>/tests/permissions.py` (or permissions_*.py) as ROUTES.
A URL added without a row fails `test_every_url_is_in_the_matrix`.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from esafety.testing import ALL_PERSONAS, collect_routes, make_personas, sign_in

# Django's admin guards itself (staff only) and is for technical administrators.
NOT_IN_MATRIX_NAMESPACES = {"admin"}


ROUTES = collect_routes()


def named_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            if inner in NOT_IN_MATRIX_NAMESPACES:
                continue
            yield from named_urls(entry, f"{inner}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_is_in_the_matrix():
    covered = {route.name for route in ROUTES}
    missing = sorted(set(named_urls()) - covered)
    assert not missing, f"Add these URLs to a tests/permissions.py ROUTES table: {missing}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method}-{r.name}")
def test_route_status_for_every_persona(route, client, db):
    personas = make_personas()
    kwargs = route.kwargs(personas) if route.kwargs else {}
    url = reverse(route.name, kwargs=kwargs)
    wrong = {}
    for name in ALL_PERSONAS:
        client.logout()
        user = personas.get(name)
        if user is not None:
            sign_in(client, user)
        data = route.data(personas) if route.data else {}
        response = getattr(client, route.method)(url, data)
        if response.status_code != route.expect[name]:
            wrong[name] = (response.status_code, route.expect[name])
    assert not wrong, f"{route.method.upper()} {url}: persona -> (got, expected) {wrong}"
