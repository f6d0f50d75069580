"""Making and revoking integrations' keys (the rules are the pages' own)."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import ApiToken, hash_token
from ..roles import allowed, require
from . import registered_scopes
from .auth import KEY_PREFIX


def scopes_for(user, school) -> list:
    """The scopes this person may give a key at this school: those whose rule they pass."""
    return [s for s in registered_scopes().values() if allowed(user, s.rule, school)]


def make_token(*, school, name: str, scopes, by) -> tuple[ApiToken, str]:
    """A new key and the key itself, which is shown once and never kept."""
    require(by, "esafety.manage_api_tokens", school)
    may_give = {s.name for s in scopes_for(by, school)}
    refused = sorted(set(scopes) - may_give)
    if refused:
        raise ValidationError({"scopes": f"You may not give a key: {', '.join(refused)}."})
    if not scopes:
        raise ValidationError({"scopes": "Choose at least one thing the key may do."})
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        school=school,
        name=name.strip(),
        scopes=sorted(set(scopes)),
        key_prefix=key[:10],
        key_hash=hash_token(key),
        created_by=by,
    )
    return token, key


def revoke_token(*, token: ApiToken, by) -> ApiToken:
    """Revoke once: a second click finds it revoked and changes nothing."""
    require(by, "esafety.manage_api_tokens", token.school)
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at, locked.revoked_by = timezone.now(), by
            locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked
