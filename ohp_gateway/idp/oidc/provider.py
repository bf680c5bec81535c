"""``OidcProvider``: the OpenID Connect endpoints of the reference identity provider.

The web application resolves the browser's IdP session and hands each request here; the
provider answers its six paths and returns None for everything else. Each endpoint lives in
its own module; this one routes, and owns the things they share (keys, HTTP session).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

import requests
from werkzeug.wrappers import Request, Response

from .. import sessions
from ..context import Actor, Context
from ..sessions import IdpSession
from . import backchannel
from .discovery import discovery_document
from .endpoints import Endpoints
from .keys import KeyCache
from .replies import public_json

__all__ = ["OidcProvider"]

log = logging.getLogger(__name__)

LoginUrl = Callable[[str], str]
DISCOVERY_MAX_AGE = 300
JWKS_MAX_AGE = 60  # shorter than a retired key's publication window (keys.CLOCK_SKEW)


class OidcProvider:
    """Answers ``/.well-known/openid-configuration``, ``/jwks``, ``/authorize``, ``/token``,
    ``/userinfo`` and ``/logout``; sends back-channel logouts to the sites a session visited.

    ``signing_key_secret`` encrypts the private keys at rest; it defaults to the environment
    variable ``OHP_IDP_SIGNING_KEY_SECRET`` (keys are stored unencrypted without it).
    """

    def __init__(
        self,
        ctx: Context,
        issuer: str,
        *,
        session_cookie: str,
        http: requests.Session | None = None,
        signing_key_secret: str | None = None,
    ) -> None:
        self.ctx = ctx
        self.issuer = issuer
        self.session_cookie = session_cookie
        secret = signing_key_secret or os.environ.get("OHP_IDP_SIGNING_KEY_SECRET") or None
        self.keys = KeyCache(ctx, secret)
        self.courier = backchannel.Courier(ctx, issuer, self.keys, http or requests.Session())
        self._discovery = discovery_document(issuer)
        self._endpoints = Endpoints(ctx, issuer, self.keys, session_cookie, self.sign_out)

    def handle(
        self, request: Request, session: IdpSession | None, login_url: LoginUrl
    ) -> Response | None:
        """The answer for an OpenID Connect path, or None for any other path.

        ``/authorize`` without a fresh enough session redirects to ``login_url(next)``, where
        ``next`` is the relative ``/authorize?...`` URL to come back to after signing in."""
        path = request.path
        if path == "/.well-known/openid-configuration":
            return public_json(self._discovery, DISCOVERY_MAX_AGE)
        if path == "/jwks":
            return public_json(self.keys.jwks(), JWKS_MAX_AGE)
        return self._endpoints.handle(request, session, login_url)

    def rotate_signing_key(self, actor: Actor | None = None) -> str:
        """Start signing with a new key (old public keys stay published); the new ``kid``."""
        return self.keys.rotate(actor)

    def sign_out(self, session: IdpSession, reason: str) -> None:
        """End the IdP session and send back-channel logouts to every site it visited."""
        visited = sessions.end(self.ctx, session.sid, reason)
        self.courier.queue(session.subscriber_id, {session.sid: visited}, reason)
        self.courier.deliver_due()

    def process_logout_events(self) -> None:
        """Deliver termination events: end every session of the subscriber, back-channel
        every site they visited, then mark the event delivered."""
        self.courier.process_logout_events()

    def deliver_due(self) -> int:
        """Retry back-channel deliveries that are due; returns how many were attempted."""
        return self.courier.deliver_due()

    def delivery_failures(self) -> list[dict[str, object]]:
        """Deliveries that failed (site, masked sid, attempts, last error, next attempt)."""
        return self.courier.failures()
