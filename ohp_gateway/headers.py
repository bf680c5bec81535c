"""Identity headers: what the gateway injects, and the test for what it must strip.

Every incoming header whose name, lowercased with ``_`` read as ``-``, starts with the prefix
is removed before anything else, on public paths too. Precedent: Django CVE-2015-0219, where
``X-Auth_User`` and ``X-Auth-User`` land on one WSGI key; gunicorn < 22 merged them, uvicorn
keeps both spellings as separate ASGI headers, and Werkzeug's test client merges them.
"""

from __future__ import annotations

from urllib.parse import quote

from .identity import Subscriber

__all__ = ["IdentityHeaders", "encode_value", "is_identity_header", "normalise_prefix"]

# Printable ASCII stays readable; '%' and everything else (UTF-8 bytes, controls) is
# percent-encoded, so a value can never carry CR, LF or NUL and unquote() round-trips it.
_SAFE = "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) != "%")


def encode_value(value: str) -> str:
    """Percent-encode a header value: UTF-8, controls and '%' escaped."""
    return (
        value
        if value.isascii() and value.isprintable() and "%" not in value
        else quote(value, safe=_SAFE)
    )


def normalise_prefix(prefix: str) -> str:
    """``X-OHP-`` -> ``x-ohp-``: the form names are compared in."""
    return prefix.lower().replace("_", "-")


def is_identity_header(name: str, normalised_prefix: str) -> bool:
    """True when a header called ``name`` would read as one of ours (any case, ``_`` or ``-``)."""
    return name.lower().replace("_", "-").startswith(normalised_prefix)


class IdentityHeaders:
    """Builds the headers injected for a subscriber, with a fixed prefix."""

    __slots__ = ("_expires_raw", "_raw_names", "names")

    def __init__(self, prefix: str = "X-OHP-") -> None:
        self.names = {
            field: f"{prefix}{suffix}"
            for field, suffix in (
                ("subscriber_id", "Subscriber-Id"),
                ("name", "Subscriber-Name"),
                ("email", "Email"),
                ("organization_id", "Organization-Id"),
                ("organization_name", "Organization-Name"),
                ("tax_ids", "Tax-Ids"),
                ("roles", "Roles"),
                ("expires", "Session-Expires"),
                ("assertion", "Assertion"),
            )
        }
        self._expires_raw = self.names["expires"].lower().encode("latin-1")
        self._raw_names = tuple(
            self.names[f].lower().encode("latin-1")
            for f in ("subscriber_id", "name", "email", "organization_id", "organization_name",
                      "tax_ids", "roles")
        )  # fmt: skip

    def build(self, subscriber: Subscriber) -> list[tuple[str, str]]:
        """The identity headers, without the per-request expiry and assertion."""
        n = self.names
        s = subscriber
        return [
            (n["subscriber_id"], encode_value(s.subscriber_id)),
            (n["name"], encode_value(s.name)),
            (n["email"], encode_value(s.email)),
            (n["organization_id"], encode_value(s.organization_id)),
            (n["organization_name"], encode_value(s.organization_name)),
            (n["tax_ids"], ",".join(s.tax_ids)),
            (n["roles"], ",".join(encode_value(r) for r in s.roles)),
        ]

    def raw(self, headers: list[tuple[str, str]]) -> tuple[tuple[bytes, bytes], ...]:
        """The headers of :meth:`build` as lowercase latin-1 bytes, for ASGI."""
        return tuple(zip(self._raw_names, [v.encode("latin-1") for _, v in headers], strict=True))

    def expires(self, when: float) -> tuple[str, str]:
        return (self.names["expires"], str(int(when)))

    def expires_raw(self, when: float) -> tuple[bytes, bytes]:
        """The same, as lowercase latin-1 bytes for ASGI."""
        return (self._expires_raw, b"%d" % when)

    def assertion(self, token: str) -> tuple[str, str]:
        return (self.names["assertion"], token)
