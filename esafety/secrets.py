"""Secrets the product must keep but never show: a school's identity-provider client
secret, an MIS password. Stored encrypted (Fernet: AES with an integrity check), so a
database dump or a backup does not hold them in clear.

The keys come from `SECRETS_ENCRYPTION_KEYS` (a list; the first encrypts, every one
decrypts, so a key can be rotated). Left empty, one key is derived from SECRET_KEY:
good for the embedded default; production sets its own so that a new SECRET_KEY does
not lose the trust's sign-in settings.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadable(Exception):
    """The stored value was encrypted with a key this site no longer has."""


def _key_from(text: str) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(f"esafety-secrets:{text}".encode()).digest())


def _fernet() -> MultiFernet:
    keys = list(getattr(settings, "SECRETS_ENCRYPTION_KEYS", None) or [])
    if not keys:
        keys = [settings.SECRET_KEY]
    return MultiFernet([Fernet(_key_from(k)) for k in keys])


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable("encrypted with a key this site no longer has") from error
