"""The sans-I/O engine: a :class:`Request` view and a time in, an :class:`Outcome` out.

No sockets, no framework: the WSGI and ASGI adapters, the proxy and the forward-auth endpoint
all translate to and from these types, so one policy serves them all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import parse_qs, quote

from .assertion import AssertionSigner
from .clock import Clock, SystemClock
from .config import GatewayConfig, load_config
from .errors import CookieTooLarge, InvalidSession, MalformedSession, RevokedSession
from .headers import IdentityHeaders, is_identity_header, normalise_prefix
from .identity import Subscriber
from .oidc import OIDCClient, SignInFailed
from .outcome import Forward, Headers, Outcome, RawHeaders, Reply, Request
from .policy import Policy, Verdict, normalise_path
from .redirects import InvalidReturnTo, validate_return_to
from .revocation import MemoryRevocationStore, RevocationStore, open_store
from .session import Session, SessionCodec

__all__ = ["Gateway"]

log = logging.getLogger("ohp_gateway")

CACHE_SIZE = 4096  # recently opened cookies; expiry and revocation still checked on each hit
MAX_BODY = 64 * 1024  # a back-channel logout token is a few hundred bytes
_NETWORK_ENDPOINTS = frozenset({"/login", "/callback", "/logout", "/backchannel-logout"})


class _Entry:
    """A cache entry: an opened cookie, its headers, and the current assertion."""

    __slots__ = ("assertion", "assertion_exp", "headers", "last_seen", "raw", "subscriber")

    def __init__(
        self, subscriber: Subscriber, last_seen: float, headers: Headers, raw: RawHeaders
    ) -> None:
        self.subscriber = subscriber
        self.last_seen = last_seen
        self.headers = headers
        self.raw = raw  # encoded once per cookie, for ASGI
        self.assertion = ""
        self.assertion_exp = 0.0


class Gateway:
    """Decides, for each request, whether it reaches the app and as whom."""

    def __init__(
        self,
        config: GatewayConfig | str | None = None,
        clock: Clock | None = None,
        *,
        revocations: RevocationStore | None = None,
    ) -> None:
        self.config = cfg = load_config(config)
        self.clock: Clock = clock or SystemClock()
        self.codec = SessionCodec(
            cfg.keyring,
            cfg.site_id,
            idle_timeout=cfg.idle_timeout,
            absolute_timeout=cfg.absolute_timeout,
            clock_skew=cfg.clock_skew,
        )
        self.policy = Policy(cfg.rules)
        self.revocations = revocations or open_store(cfg.revocation, self.clock)
        self.identity_headers = IdentityHeaders(cfg.header_prefix)
        self.signer = AssertionSigner(cfg.assertion_key, cfg.site_id) if cfg.assertion_key else None
        self.strip_prefix = normalise_prefix(cfg.header_prefix)
        self.cookie_name: str = cfg.cookie_name or ""
        self._cookie_attrs = "; Path=/; HttpOnly; SameSite=Lax" + (
            "; Secure" if cfg.secure_cookies else ""
        )
        self._endpoint = cfg.endpoint_prefix.lower()
        self.oidc = OIDCClient(cfg, self.clock) if cfg.issuer else None
        self.state_cookie = "__Host-ohp_oidc" if cfg.secure_cookies else "ohp_oidc"
        self._cache: dict[str, _Entry] = {}
        # (method, raw path, Cookie header) -> (forward, valid from, valid until, sid)
        self._known: dict[tuple[str, str, str], tuple[Forward, float, float, str]] = {}
        self._endpoints: dict[str, tuple[frozenset[str], Callable[[Request, float], Reply]]] = {
            "/login": (frozenset({"GET", "HEAD"}), self._login),
            "/logout": (frozenset({"GET", "HEAD", "POST"}), self._logout),
            "/session": (frozenset({"GET", "HEAD"}), self._session_info),
            "/auth": (frozenset({"GET", "HEAD", "POST"}), self._forward_auth),
            "/health": (frozenset({"GET", "HEAD"}), self._health),
            "/jwks.json": (frozenset({"GET", "HEAD"}), self._jwks),
            "/callback": (frozenset({"GET"}), self._callback),
            "/backchannel-logout": (frozenset({"POST"}), self._backchannel_logout),
        }

    # -- the public entry point -----------------------------------------------------------

    def handle(self, request: Request) -> Outcome:
        """Decide what happens to ``request``."""
        path = request.path
        cookie = request.headers.get("cookie", "")
        known = self.lookup(request.method, path, cookie)
        if known is not None:
            return known
        now = self.clock.now()
        if path[: len(self._endpoint)].lower() == self._endpoint or _odd(path):
            normalised = normalise_path(path)
            if normalised == self._endpoint or normalised.startswith(self._endpoint + "/"):
                return self._dispatch(request, normalised[len(self._endpoint) :], now)
        verdict = self.policy.evaluate(request.method, path)
        outcome = self._decide(request, request.method, path, request.query, verdict, now)
        if type(outcome) is Forward and outcome.session is not None and not outcome.set_cookies:
            self._remember((request.method, path, cookie), outcome, verdict.passive, now)
        return outcome

    def lookup(self, method: str, path: str, cookie_header: str) -> Forward | None:
        """The outcome of an identical recent request, while it is still exactly right.

        An identical request (method, raw path, ``Cookie`` header) gets the same decision and
        the same identity headers until the session is due for a refresh, expires, or carries
        an assertion about to expire; revocation is checked on every hit. Adapters may call
        this before building a :class:`Request`; :meth:`handle` calls it first too.
        """
        known = self._known.get((method, path, cookie_header))
        if known is None:
            return None
        forward, valid_from, valid_until, sid = known
        if not valid_from <= self.clock.now() < valid_until:
            return None
        try:
            if self.revocations.is_revoked(sid):
                return None
        except Exception:  # a revocation store outage: fail closed, via the full path
            return None
        return forward

    def _remember(
        self, key: tuple[str, str, str], forward: Forward, passive: bool, now: float
    ) -> None:
        session = forward.session
        assert session is not None
        until = session.expires_at
        if not passive:  # the next request after this is due refreshes the cookie
            until = min(until, session.last_seen + self.config.refresh_interval)
        if self.signer is not None:  # the cached assertion must not go stale
            until = min(until, now + 30)
        since = max(session.last_seen, session.subscriber.auth_time) - self.config.clock_skew
        if len(self._known) >= CACHE_SIZE:
            del self._known[next(iter(self._known))]
        self._known[key] = (forward, since, until, session.subscriber.session_id)

    def _endpoint_name(self, request: Request) -> str | None:
        path = request.path
        if path[: len(self._endpoint)].lower() != self._endpoint and not _odd(path):
            return None
        normalised = normalise_path(path)
        if normalised.startswith(self._endpoint + "/"):
            return normalised[len(self._endpoint) :]
        return None

    def needs_body(self, request: Request) -> bool:
        """True when the adapter must read the body (at most MAX_BODY bytes) into ``body``."""
        return request.method == "POST" and self._endpoint_name(request) == "/backchannel-logout"

    @property
    def lookup_is_local(self) -> bool:
        """True when :meth:`lookup` never waits on the network (revocation kept in memory)."""
        return isinstance(self.revocations, MemoryRevocationStore)

    def may_block(self, request: Request) -> bool:
        """True when handling ``request`` may wait on the network (an ASGI adapter should
        then run :meth:`handle` in a thread)."""
        if not self.lookup_is_local:
            return True
        return self.oidc is not None and self._endpoint_name(request) in _NETWORK_ENDPOINTS

    def is_identity_header(self, name: str) -> bool:
        """True for any spelling of a header the gateway owns (strip it on the way in)."""
        return is_identity_header(name, self.strip_prefix)

    def seal(self, subscriber: Subscriber, now: float | None = None) -> tuple[str, str]:
        """A fresh session cookie ``(name, value)`` for ``subscriber``."""
        when = self.clock.now() if now is None else now
        return self.cookie_name, self.codec.seal(subscriber, when)

    def set_cookie(self, value: str) -> str:
        """The ``Set-Cookie`` value for a session cookie (browser-session: no Max-Age)."""
        return f"{self.cookie_name}={value}{self._cookie_attrs}"

    def clear_cookie(self) -> str:
        return f"{self.cookie_name}={self._cookie_attrs}; Max-Age=0"

    def revoke(self, session_id: str) -> None:
        """Forget every session of IdP session ``session_id`` at this gateway."""
        self.revocations.revoke(session_id, self.config.absolute_timeout + self.config.clock_skew)

    # -- sessions -------------------------------------------------------------------------

    def _cookie_value(self, request: Request) -> str | None:
        header = request.headers.get("cookie")
        if not header or self.cookie_name not in header:
            return None
        found: str | None = None
        for item in header.split(";"):
            name, sep, value = item.strip().partition("=")
            if sep and name == self.cookie_name:
                if found is not None and value != found:
                    raise MalformedSession("several different session cookies")
                found = value
        return found

    def _open(self, request: Request, now: float) -> tuple[_Entry, Session] | None:
        try:
            value = self._cookie_value(request)
            if value is None:
                return None
            entry = self._cache.get(value)
            if entry is None:
                subscriber, last_seen = self.codec.decrypt(value)
                built = self.identity_headers.build(subscriber)
                raw = self.identity_headers.raw(built)
                entry = _Entry(subscriber, last_seen, tuple(built), raw)
                if len(self._cache) >= CACHE_SIZE:
                    del self._cache[next(iter(self._cache))]
                self._cache[value] = entry
            session = self.codec.check(entry.subscriber, entry.last_seen, now)
            if self.revocations.is_revoked(entry.subscriber.session_id):
                raise RevokedSession(entry.subscriber.session_id)
        except InvalidSession as exc:
            log.info("no session: %s", exc)
            return None
        except Exception:  # a revocation store outage: fail closed
            log.warning("no session: revocation check failed", exc_info=True)
            return None
        return entry, session

    def _identity(self, entry: _Entry, session: Session, passive: bool, now: float) -> Forward:
        cookies: tuple[str, ...] = ()
        if not passive and now - session.last_seen >= self.config.refresh_interval:
            try:
                value = self.codec.seal(entry.subscriber, now)
            except CookieTooLarge:
                log.warning("session not refreshed: cookie too large")
            else:
                session = self.codec.check(entry.subscriber, now, now)
                cookies = (self.set_cookie(value),)
        expires_at = session.expires_at
        headers = (*entry.headers, self.identity_headers.expires(expires_at))
        raw = (*entry.raw, self.identity_headers.expires_raw(expires_at))
        if self.signer is not None:
            if entry.assertion_exp - now < 30:
                entry.assertion, entry.assertion_exp = self.signer.sign(entry.subscriber, now)
            assertion = self.identity_headers.assertion(entry.assertion)
            headers += (assertion,)
            raw += _raw((assertion,))
        return Forward(entry.subscriber, headers, cookies, session, raw)

    # -- decisions ------------------------------------------------------------------------

    def _decide(
        self, request: Request, method: str, path: str, query: str, verdict: Verdict, now: float
    ) -> Outcome:
        opened = self._open(request, now)
        subscriber = opened[0].subscriber if opened else None
        if not verdict.allows(subscriber):
            if subscriber is None:
                return self._anonymous(request, method, path, query)
            return self._forbidden(request, subscriber)
        if opened is None:
            return Forward(None, (), self._stale_cookie(request))
        return self._identity(*opened, verdict.passive, now)

    def _stale_cookie(self, request: Request) -> tuple[str, ...]:
        """Clear a session cookie that no longer opens, so the browser stops sending it."""
        if self.cookie_name in request.headers.get("cookie", ""):
            return (self.clear_cookie(),)
        return ()

    def _login_url(self, return_to: str) -> str:
        return f"{self.config.endpoint_prefix}/login?return_to={quote(return_to, safe='/')}"

    def _anonymous(self, request: Request, method: str, path: str, query: str) -> Reply:
        return_to = path + ("?" + query if query else "")
        login = self._login_url(return_to)
        clear = tuple(("Set-Cookie", c) for c in self._stale_cookie(request))
        if _is_api(request, method):
            return Reply.json(
                401,
                {"error": "unauthenticated", "message": "sign in first", "login_url": login},
                (("WWW-Authenticate", 'Cookie realm="ohp"'), *clear),
            )
        return Reply.redirect(login, clear)

    def _forbidden(self, request: Request, subscriber: Subscriber) -> Reply:
        message = "your roles or Tax ID affiliations do not allow this page"
        if _is_api(request, request.method):
            return Reply.json(403, {"error": "forbidden", "message": message})
        return Reply.page(403, "Access denied", f"{subscriber.name}: {message}.")

    # -- endpoints ------------------------------------------------------------------------

    def _dispatch(self, request: Request, name: str, now: float) -> Reply:
        endpoint = self._endpoints.get(name)
        if endpoint is None:
            return Reply.json(404, {"error": "not_found", "message": f"no endpoint {name!r}"})
        methods, handler = endpoint
        if request.method.upper() not in methods:
            return Reply.json(
                405,
                {"error": "method_not_allowed", "message": f"use {', '.join(sorted(methods))}"},
                (("Allow", ", ".join(sorted(methods))),),
            )
        return handler(request, now)

    def _query(self, request: Request, name: str) -> str | None:
        values = parse_qs(request.query, keep_blank_values=True).get(name)
        return values[0] if values else None

    def _return_to(self, request: Request) -> str | Reply:
        try:
            return validate_return_to(self._query(request, "return_to"))
        except InvalidReturnTo as exc:
            return Reply.json(
                400, {"error": "invalid_request", "field": "return_to", "message": exc.reason}
            )

    def _state_cookie(self, value: str, max_age: int) -> tuple[str, str]:
        secure = "; Secure" if self.config.secure_cookies else ""
        return (
            "Set-Cookie",
            f"{self.state_cookie}={value}; Path=/; HttpOnly; SameSite=Lax{secure}; "
            f"Max-Age={max_age}",
        )

    def _redirect_uri(self, request: Request) -> str:
        return f"{request.origin}{self.config.endpoint_prefix}/callback"

    def _login(self, request: Request, now: float) -> Reply:
        return_to = self._return_to(request)
        if isinstance(return_to, Reply):
            return return_to
        if self.oidc is None:
            message = (
                "sign-in is not configured: set issuer and client_id to an OpenID Connect provider"
            )
            return Reply.json(501, {"error": "not_implemented", "message": message})
        if self._open(request, now) is not None:  # signed in already
            return Reply.redirect(return_to)
        try:
            url, state = self.oidc.begin(self._redirect_uri(request), return_to)
        except SignInFailed as exc:
            return self._sign_in_failed(exc)
        return Reply.redirect(url, (self._state_cookie(state, 600),))

    def _callback(self, request: Request, now: float) -> Reply:
        if self.oidc is None:
            return Reply.json(501, {"error": "not_implemented", "message": "no issuer"})
        clear = (self._state_cookie("", 0),)
        error = self._query(request, "error")
        if error is not None:
            detail = self._query(request, "error_description") or error
            return Reply.page(401, "Sign-in did not complete", detail[:200], clear)
        try:
            login = self.oidc.load_state(
                _cookie(request, self.state_cookie), self._query(request, "state")
            )
            code = self._query(request, "code")
            if not code:
                raise SignInFailed("the identity provider sent no code")
            subscriber = self.oidc.finish(login, code, self._redirect_uri(request))
            _, value = self.seal(subscriber, now)
        except (SignInFailed, CookieTooLarge) as exc:
            return self._sign_in_failed(exc, clear)
        log.info("signed in: subscriber %s", subscriber.subscriber_id)
        return Reply.redirect(login.return_to, (("Set-Cookie", self.set_cookie(value)), *clear))

    def _sign_in_failed(self, exc: Exception, headers: Headers = ()) -> Reply:
        log.info("sign-in failed: %s", exc)
        status = exc.status_hint if isinstance(exc, SignInFailed) else 502
        login = self._login_url("/")
        return Reply.page(status, "Sign-in failed", f"{exc} Start again at {login}", headers)

    def _logout(self, request: Request, now: float) -> Reply:
        target = self._return_to(request)
        if isinstance(target, Reply):
            return target
        opened = self._open(request, now)
        if opened is not None:
            self.revoke(opened[0].subscriber.session_id)
        if self.oidc is not None:
            target = self.oidc.end_session_url(request.origin + target) or target
        return Reply.redirect(target, (("Set-Cookie", self.clear_cookie()),))

    def _backchannel_logout(self, request: Request, now: float) -> Reply:
        if self.oidc is None:
            return Reply.json(501, {"error": "not_implemented", "message": "no issuer"})
        form = parse_qs(request.body[:MAX_BODY].decode("latin-1"))
        token = form.get("logout_token", [""])[0]
        if not token:
            return Reply.json(
                400,
                {"error": "invalid_request", "field": "logout_token", "message": "missing"},
            )
        try:
            sid = self.oidc.logout_sid(token)
        except SignInFailed as exc:
            return Reply.json(
                400, {"error": "invalid_request", "field": "logout_token", "message": exc.reason}
            )
        self.revoke(sid)
        log.info("back-channel logout: session ended")
        return Reply(200, (("Cache-Control", "no-store"),))

    def _session_info(self, request: Request, now: float) -> Reply:
        opened = self._open(request, now)  # never refreshes: polling is not activity
        if opened is None:
            return Reply.json(401, {"authenticated": False, "login_url": self._login_url("/")})
        _, session = opened
        return Reply.json(
            200,
            {
                "authenticated": True,
                "subscriber": session.subscriber.to_json(),
                "idle_expires_at": session.idle_expires_at,
                "absolute_expires_at": session.absolute_expires_at,
            },
        )

    def _forward_auth(self, request: Request, now: float) -> Reply:
        uri = request.header("x-forwarded-uri") or request.header("x-original-uri")
        if not uri or not uri.startswith("/"):
            return Reply.json(
                400,
                {
                    "error": "invalid_request",
                    "field": "X-Forwarded-Uri",
                    "message": "the fronting proxy must set X-Forwarded-Uri "
                    "or X-Original-URI to the request's path",
                },
            )
        method = (
            request.header("x-forwarded-method") or request.header("x-original-method") or "GET"
        ).upper()
        path, _, query = uri.partition("#")[0].partition("?")
        outcome = self._decide(
            request, method, path, query, self.policy.evaluate(method, path), now
        )
        if isinstance(outcome, Reply):
            return outcome if outcome.status == 403 else Reply(401, outcome.headers, outcome.body)
        cookies = tuple(("Set-Cookie", c) for c in outcome.set_cookies)
        return Reply(200, (("Cache-Control", "no-store"), *outcome.headers, *cookies))

    def _health(self, request: Request, now: float) -> Reply:
        return Reply.json(200, {"status": "ok"})

    def _jwks(self, request: Request, now: float) -> Reply:
        if self.signer is None:
            return Reply.json(
                404, {"error": "not_found", "message": "no assertion_key is configured"}
            )
        return Reply.json(200, self.signer.jwks)


def _raw(headers: Headers) -> RawHeaders:
    return tuple([(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in headers])


def _cookie(request: Request, name: str) -> str | None:
    for item in request.headers.get("cookie", "").split(";"):
        key, sep, value = item.strip().partition("=")
        if sep and key == name:
            return value
    return None


def _odd(path: str) -> bool:
    """A path that normalisation could change (cheap test; the common path skips it)."""
    return "%" in path or "//" in path or "/." in path or "\\" in path


def _is_api(request: Request, method: str) -> bool:
    if method.upper() not in ("GET", "HEAD"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept
