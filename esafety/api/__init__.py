"""The API's core: keys for integrations (models_api.py), what a key may be given (scopes,
declared by the apps), and the routes apps add from their own `api.py`. The core imports
no app: an app's AppConfig.ready imports its api module, which calls `api_scope` and
`api_route`; esafety/api/urls.py serves what was registered."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    name: str  # e.g. "monitoring.alerts"
    label: str  # plain English for the key's page: "send alerts from your monitoring"
    rule: str  # the page rule the key's maker must pass at the school, when giving it and
    # on every use: a key never does what its maker may not do on the pages


_SCOPES: dict[str, Scope] = {}
_ROUTES: list[tuple[str, Callable, str]] = []


def api_scope(name: str, label: str, *, rule: str) -> Scope:
    scope = Scope(name, label, rule)
    _SCOPES[name] = scope
    return scope


def registered_scopes() -> dict[str, Scope]:
    return dict(sorted(_SCOPES.items()))


def api_route(path: str, view: Callable, name: str) -> None:
    """Serve `view` (an ApiView's as_view()) at /api/v1/<path>."""
    _ROUTES.append((path, view, name))


def registered_routes() -> list[tuple[str, Callable, str]]:
    return list(_ROUTES)
