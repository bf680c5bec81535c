"""Keyrings of 256-bit AES keys. The first key seals; every key opens (rotation).

Key order is explicit because peers got it wrong: itsdangerous signs with the *last* key of a
list while MultiFernet encrypts with the *first* (Flask GHSA-4grg-w6v8-c28g).
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from collections.abc import Iterable, Iterator

import attrs

from .errors import ConfigError

__all__ = ["Key", "Keyring"]

_KID = re.compile(r"[A-Za-z0-9_-]{1,32}")  # no '.', which separates the cookie's parts
KEY_BYTES = 32  # AES-256


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_VALUE = {c: i for i, c in enumerate(_ALPHABET)}
_TO_STANDARD = bytes.maketrans(b"-_", b"+/")
_UNUSED_BITS = {0: 0, 2: 0x0F, 3: 0x03}  # length % 4 -> mask of the last character's padding bits


def b64url_decode(text: str) -> bytes:
    """Strict, canonical base64url without padding; ``ValueError`` on anything else.

    Strict: no character outside the alphabet (lenient decoders skip them). Canonical: the
    unused low bits of the last character are zero, so two spellings never decode alike.
    """
    mask = _UNUSED_BITS.get(len(text) % 4)
    if mask is None or text.endswith("=") or (mask and _VALUE.get(text[-1], 1) & mask):
        raise ValueError("not canonical base64url")
    data = text.encode("ascii").translate(_TO_STANDARD)
    return binascii.a2b_base64(data + b"=" * (-len(data) % 4), strict_mode=True)


@attrs.frozen(repr=False)
class Key:
    """One key with its id. The secret never appears in ``repr``."""

    kid: str
    secret: bytes

    def __attrs_post_init__(self) -> None:
        if not _KID.fullmatch(self.kid):
            raise ConfigError("keys", f"key id {self.kid!r} must match [A-Za-z0-9_-]{{1,32}}")
        if len(self.secret) != KEY_BYTES:
            raise ConfigError(
                "keys", f"key {self.kid!r} is {len(self.secret)} bytes; AES-256 needs 32"
            )

    def __repr__(self) -> str:
        return f"Key(kid={self.kid!r}, secret=***)"


def _key_tuple(keys: Iterable[Key]) -> tuple[Key, ...]:
    return tuple(keys)


@attrs.frozen(repr=False)
class Keyring:
    """An ordered, non-empty collection of keys with unique ids."""

    keys: tuple[Key, ...] = attrs.field(converter=_key_tuple)

    def __attrs_post_init__(self) -> None:
        if not self.keys:
            raise ConfigError("keys", "the keyring is empty; run `ohp-gateway keygen`")
        seen: set[str] = set()
        for key in self.keys:
            if key.kid in seen:
                raise ConfigError("keys", f"key id {key.kid!r} appears twice")
            seen.add(key.kid)

    @classmethod
    def generate(cls, kid: str | None = None) -> Keyring:
        """A keyring holding one fresh random key."""
        return cls((Key(kid or f"k{secrets.token_hex(4)}", secrets.token_bytes(KEY_BYTES)),))

    @classmethod
    def parse(cls, text: str) -> Keyring:
        """Parse ``kid:base64url_key[,kid:key...]`` (whitespace and newlines allowed)."""
        keys = []
        for i, item in enumerate(p for p in re.split(r"[,\s]+", text.strip()) if p):
            kid, sep, encoded = item.partition(":")
            if not sep:
                raise ConfigError("keys", f"item {i} is not 'kid:base64url_key'")
            try:
                secret = b64url_decode(encoded)
            except (ValueError, binascii.Error):
                raise ConfigError("keys", f"key {kid!r} is not base64url") from None
            keys.append(Key(kid, secret))
        return cls(keys)

    def serialize(self) -> str:
        """The inverse of :meth:`parse`. This string is a secret."""
        return ",".join(f"{k.kid}:{b64url_encode(k.secret)}" for k in self.keys)

    def rotate(self, new: Keyring | None = None) -> Keyring:
        """A keyring whose first (sealing) key is new; the old keys still open."""
        fresh = new or Keyring.generate()
        return Keyring(fresh.keys + tuple(k for k in self.keys if k.kid not in fresh.ids()))

    def ids(self) -> tuple[str, ...]:
        return tuple(k.kid for k in self.keys)

    @property
    def sealing_key(self) -> Key:
        return self.keys[0]

    def __iter__(self) -> Iterator[Key]:
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)

    def __repr__(self) -> str:
        return f"Keyring(kids={list(self.ids())!r})"
