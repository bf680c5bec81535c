"""Secrets the identity provider must read back (TOTP seeds), sealed at rest.

With ``IdpConfig.secret_key`` (``OHP_IDP_SECRET_KEY``) set, a seed is stored as
``sealed:v1:<base64url(nonce || AES-256-GCM ciphertext)>`` under a key derived with HKDF-SHA256;
a stolen database file then yields no second factors. Without it seeds are stored in clear
(the database file must then be protected like the key would be). Rows stay readable either
way: a value without the prefix is clear text.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import ValidationError

__all__ = ["seal", "unseal"]

PREFIX = "sealed:v1:"


def _aead(secret_key: str) -> AESGCM:
    derived = HKDF(hashes.SHA256(), 32, salt=None, info=b"ohp-idp-at-rest-v1")
    return AESGCM(derived.derive(secret_key.encode("utf-8")))


def seal(secret_key: str | None, value: str) -> str:
    """The stored form of ``value``: sealed when a key is configured, else ``value``."""
    if secret_key is None:
        return value
    nonce = os.urandom(12)
    sealed = nonce + _aead(secret_key).encrypt(nonce, value.encode(), PREFIX.encode())
    return PREFIX + base64.urlsafe_b64encode(sealed).decode()


def unseal(secret_key: str | None, stored: str) -> str:
    """The value behind a stored form; a clear value passes through."""
    if not stored.startswith(PREFIX):
        return stored
    if secret_key is None:
        raise ValidationError("secret_key", "a sealed secret needs OHP_IDP_SECRET_KEY to be set")
    try:
        raw = base64.urlsafe_b64decode(stored[len(PREFIX) :])
        return _aead(secret_key).decrypt(raw[:12], raw[12:], PREFIX.encode()).decode()
    except (InvalidTag, binascii.Error, ValueError):
        raise ValidationError("secret_key", "does not open this sealed secret") from None
