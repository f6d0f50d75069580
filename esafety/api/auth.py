"""How a request to the API is let in: its key (a bearer token), what the key may do
(its scopes, and its maker's rules at its school), how often (a rate per key), and a
record of every use."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from ..models import ApiToken, hash_token
from ..roles import allowed
from . import registered_scopes

KEY_PREFIX = "esk_"


def token_for_key(key: str) -> ApiToken | None:
    return (
        ApiToken.objects.select_related("school", "created_by")
        .filter(key_hash=hash_token(key))
        .first()
    )


def maker_may_still_use(token: ApiToken) -> bool:
    """A key stops with its maker's right to manage integrations at its school."""
    maker = token.created_by
    return maker.is_active and allowed(maker, "esafety.manage_api_tokens", token.school)


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer esk_...`: the key's maker is the request's user, the key its
    `auth`. A wrong, revoked or orphaned key gets 401 with the reason."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the key as: Authorization: Bearer <key>.")
        key = parts[1].decode("ascii", errors="replace")
        token = token_for_key(key) if key.startswith(KEY_PREFIX) else None
        if token is not None:  # logged, refused or not (base.ApiView.finalize_response)
            request._request.api_token = token
        if token is None or token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This key is not known, or it was revoked.")
        if not maker_may_still_use(token):
            raise exceptions.AuthenticationFailed(
                "The person who made this key may no longer manage integrations at the "
                "school: ask the school for a new key."
            )
        return token.created_by, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class HasScope(BasePermission):
    """The view's `required_scope` is among the key's, and the key's maker passes that
    scope's page rule at the key's school."""

    message = "This key may not do this."

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        if getattr(view, "required_scope", "") is None:
            return True  # asks only about the key itself
        scope = registered_scopes().get(getattr(view, "required_scope", ""))
        if scope is None or scope.name not in token.scopes:
            self.message = f"This key was not given the scope this needs ({view.required_scope})."
            return False
        return allowed(request.user, scope.rule, token.school)


class TokenRateThrottle(SimpleRateThrottle):
    """Requests a minute per key (API_RATE), counted in the shared cache."""

    scope = "token"

    def get_rate(self):
        return settings.API_RATE

    def get_cache_key(self, request, view):
        token = request.auth
        return f"api-rate:{token.pk}" if isinstance(token, ApiToken) else None


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema's description of how a key is sent."""

    target_class = TokenAuthentication
    name = "key"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "The school's key: esk_..."}
