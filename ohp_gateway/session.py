"""Seal and open the session cookie: ``v1.<kid>.<base64url(nonce || AES-256-GCM ct+tag)>``.

The contents are encrypted, not only signed, because a Tax ID may be a personal SSN. The
associated data binds the version, the key id and the site id, so a cookie minted for one
site never opens at another, even when both share a key.
"""

from __future__ import annotations

import binascii
import json
import os
from typing import NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import (
    AbsoluteExpired,
    CookieTooLarge,
    ForeignSession,
    IdleExpired,
    MalformedSession,
    TamperedSession,
)
from .identity import Subscriber, trusted_subscriber
from .keys import Keyring, b64url_decode, b64url_encode

__all__ = ["COOKIE_LIMIT", "Session", "SessionCodec"]

VERSION = "v1"
NONCE_BYTES = 12  # 96-bit GCM nonce, random per seal (NIST SP 800-38D 8.2.2)
COOKIE_LIMIT = 4096  # RFC 6265 6.1: browsers keep at least 4096 bytes per cookie
_FIELDS = (
    "subscriber_id",
    "name",
    "email",
    "organization_id",
    "organization_name",
    "tax_ids",
    "roles",
    "session_id",
    "auth_time",
)


class Session(NamedTuple):
    """An opened, currently valid session (a named tuple: built on every request)."""

    subscriber: Subscriber
    last_seen: float
    idle_expires_at: float
    absolute_expires_at: float

    @property
    def expires_at(self) -> float:
        """When the session ends if unused from now on: the earlier of the two expiries."""
        return min(self.idle_expires_at, self.absolute_expires_at)


def _pack(subscriber: Subscriber, last_seen: float) -> bytes:
    s = subscriber
    claims = [
        s.subscriber_id,
        s.name,
        s.email,
        s.organization_id,
        s.organization_name,
        list(s.tax_ids),
        list(s.roles),
        s.session_id,
        s.auth_time,
        last_seen,
    ]
    return json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode()


_decode_json = json.JSONDecoder().decode


def _unpack(plaintext: bytes) -> tuple[Subscriber, float]:
    try:
        (sub, name, email, org_id, org_name, tax_ids, roles, sid, auth_time, last_seen) = (
            _decode_json(plaintext.decode())
        )
        if type(auth_time) not in _NUMBER or type(last_seen) not in _NUMBER:
            raise TypeError("times are not numbers")
        subscriber = trusted_subscriber(
            sub, name, email, org_id, org_name, tuple(tax_ids), tuple(roles), sid, auth_time
        )
    except (ValueError, TypeError) as exc:
        raise MalformedSession(f"claims: {exc}") from None
    return subscriber, last_seen


_NUMBER = (int, float)


class SessionCodec:
    """Seals subscribers into cookie values and opens them, enforcing both expiries."""

    def __init__(
        self,
        keyring: Keyring,
        site_id: str,
        *,
        idle_timeout: float = 1800,
        absolute_timeout: float = 28800,
        clock_skew: float = 30,
    ) -> None:
        self.keyring = keyring
        self.site_id = site_id
        self.idle_timeout = idle_timeout
        self.absolute_timeout = absolute_timeout
        self.clock_skew = clock_skew
        # AESGCM objects and associated data per key id, built once.
        self._openers = {
            k.kid: (AESGCM(k.secret), f"{VERSION}.{k.kid}.{site_id}".encode()) for k in keyring
        }
        self._sealing_kid = keyring.sealing_key.kid

    def seal(self, subscriber: Subscriber, last_seen: float) -> str:
        """Encrypt ``subscriber`` with the first key. Raises :class:`CookieTooLarge`."""
        aead, aad = self._openers[self._sealing_kid]
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + aead.encrypt(nonce, _pack(subscriber, last_seen), aad)
        value = f"{VERSION}.{self._sealing_kid}.{b64url_encode(sealed)}"
        if len(value) > COOKIE_LIMIT - 64:  # leave room for the name and attributes
            sizes = {f: len(json.dumps(getattr(subscriber, f))) for f in _FIELDS}
            raise CookieTooLarge(len(value), COOKIE_LIMIT - 64, sizes)
        return value

    def open(self, value: str, now: float) -> Session:
        """Open and check a cookie value, or raise an :class:`InvalidSession` subclass."""
        subscriber, last_seen = self.decrypt(value)
        return self.check(subscriber, last_seen, now)

    def decrypt(self, value: str) -> tuple[Subscriber, float]:
        """Authenticate and decrypt, without any expiry check."""
        version, _, rest = value.partition(".")
        kid, _, body = rest.partition(".")
        if version != VERSION or not body:
            raise MalformedSession("not v1.<kid>.<payload>")
        opener = self._openers.get(kid)
        if opener is None:
            raise ForeignSession(kid[:40])
        try:
            sealed = b64url_decode(body)
        except (ValueError, binascii.Error):
            raise MalformedSession("payload is not base64url") from None
        if len(sealed) <= NONCE_BYTES + 16:
            raise MalformedSession("payload too short")
        aead, aad = opener
        try:
            plaintext = aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
        except InvalidTag:
            raise TamperedSession("authentication tag mismatch") from None
        return _unpack(plaintext)

    def check(self, subscriber: Subscriber, last_seen: float, now: float) -> Session:
        """Enforce idle and absolute expiry; reject times from the future beyond the skew."""
        auth_time = subscriber.auth_time
        if last_seen > now + self.clock_skew or auth_time > now + self.clock_skew:
            raise MalformedSession("issued in the future")
        if now - auth_time > self.absolute_timeout:
            raise AbsoluteExpired(auth_time, self.absolute_timeout, now)
        if now - last_seen > self.idle_timeout:
            raise IdleExpired(last_seen, self.idle_timeout, now)
        return Session(
            subscriber,
            last_seen,
            last_seen + self.idle_timeout,
            auth_time + self.absolute_timeout,
        )
