"""The OpenID Connect provider of the reference identity provider."""

from __future__ import annotations

from .keys import rotate_signing_key as rotate_signing_key
from .provider import OidcProvider as OidcProvider

__all__ = ["OidcProvider", "rotate_signing_key"]
