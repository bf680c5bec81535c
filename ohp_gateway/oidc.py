"""The gateway as an OpenID Connect relying party.

Authorization code flow with PKCE (S256); ``state``, ``nonce`` and the code verifier travel in
a short-lived cookie signed with itsdangerous; the code is exchanged with ``requests``; the ID
token is verified with PyJWT against the issuer's JWKS (cached, refetched on an unknown ``kid``)
with an algorithm allow-list, ``iss``, ``aud``, ``exp`` and ``nonce``. Back-channel logout
tokens are verified the same way (OpenID Connect Back-Channel Logout 1.0, section 2.6).

This is the one module of the core that talks to the network; the engine calls it only for
``/.ohp/login``, ``/.ohp/callback`` and ``/.ohp/backchannel-logout``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import attrs
import jwt
import requests
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from .clock import Clock
from .config import GatewayConfig
from .errors import GatewayError
from .identity import Subscriber

__all__ = ["LoginState", "OIDCClient", "SignInFailed"]

ALGORITHMS = ["RS256", "ES256", "EdDSA"]  # never "none", never HMAC with a public key
STATE_MAX_AGE = 600  # seconds a sign-in may take at the identity provider
HTTP_TIMEOUT = 10
DISCOVERY_TTL = 3600
JWKS_MIN_REFRESH = 30  # an unknown kid refetches the JWKS at most this often
LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"


class SignInFailed(GatewayError):
    """Sign-in could not complete; ``status_hint`` says whose fault (400 client, 502 IdP)."""

    def __init__(self, reason: str, status_hint: int = 400) -> None:
        self.reason = reason
        self.status_hint = status_hint
        super().__init__(reason)


@attrs.frozen
class LoginState:
    """What the browser carries from /.ohp/login to /.ohp/callback (signed, 10 minutes)."""

    state: str
    nonce: str
    verifier: str
    return_to: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    raise SignInFailed(f"claim is neither a list nor a string: {value!r}", 502)


def _signer_for(clock: Clock) -> type[TimestampSigner]:
    class ClockSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock.now())

    return ClockSigner


class OIDCClient:
    """Talks to one issuer on behalf of one gateway."""

    def __init__(
        self,
        config: GatewayConfig,
        clock: Clock,
        *,
        http: requests.Session | None = None,
    ) -> None:
        if config.issuer is None or config.client_id is None:
            raise ValueError("OIDCClient needs issuer and client_id")
        self.issuer = config.issuer.rstrip("/")
        self.client_id = config.client_id
        self.client_secret = config.client_secret
        self.claims = config.claims
        self.clock = clock
        self.http = http or requests.Session()
        # itsdangerous signs with the *last* secret and verifies with all: oldest first.
        secrets_ = [
            hmac.new(k.secret, f"ohp-oidc-state:{config.site_id}".encode(), "sha256").digest()
            for k in reversed(config.keyring.keys)
        ]
        self._serializer = URLSafeTimedSerializer(
            secrets_, salt="ohp-oidc-state", signer=_signer_for(clock)
        )
        self._lock = threading.Lock()
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._jwks: jwt.PyJWKSet | None = None
        self._jwks_at = -float(JWKS_MIN_REFRESH)

    # -- metadata and keys ----------------------------------------------------------------

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = self.http.get(url, timeout=HTTP_TIMEOUT)
            response.raise_for_status()
            data = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise SignInFailed(f"identity provider unreachable at {url}: {exc}", 502) from None
        if not isinstance(data, dict):
            raise SignInFailed(f"{url} did not answer a JSON object", 502)
        return data

    def metadata(self) -> dict[str, Any]:
        """The issuer's discovery document, cached for an hour."""
        now = self.clock.now()
        with self._lock:
            if self._metadata is not None and now - self._metadata_at < DISCOVERY_TTL:
                return self._metadata
        data = self._get_json(f"{self.issuer}/.well-known/openid-configuration")
        if data.get("issuer", "").rstrip("/") != self.issuer:
            raise SignInFailed(f"discovery names issuer {data.get('issuer')!r}", 502)
        for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(data.get(field), str):
                raise SignInFailed(f"discovery document lacks {field}", 502)
        with self._lock:
            self._metadata, self._metadata_at = data, now
        return data

    def _signing_key(self, token: str) -> Any:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError as exc:
            raise SignInFailed(f"token is not a JWT: {exc}") from None
        for attempt in range(2):
            keys = self._jwks
            if keys is not None:
                for key in keys.keys:
                    if kid is None or key.key_id == kid:
                        return key
            now = self.clock.now()
            if attempt or now - self._jwks_at < JWKS_MIN_REFRESH:
                break
            self._jwks_at = now
            try:
                self._jwks = jwt.PyJWKSet.from_dict(self._get_json(self.metadata()["jwks_uri"]))
            except jwt.PyJWTError as exc:
                raise SignInFailed(f"issuer JWKS is unusable: {exc}", 502) from None
        raise SignInFailed(f"no key {kid!r} in the issuer's JWKS")

    def _decode(self, token: str, **checks: Any) -> dict[str, Any]:
        key = self._signing_key(token)
        options: Any = {"require": ["iss", "aud", "exp", "iat"], **checks}
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self.client_id,
                issuer=self.metadata()["issuer"],
                leeway=30,
                options=options,
            )
        except jwt.PyJWTError as exc:
            raise SignInFailed(f"token rejected: {exc}") from None
        azp = claims.get("azp")
        if isinstance(claims.get("aud"), list) and len(claims["aud"]) > 1 and azp != self.client_id:
            raise SignInFailed("token has several audiences and azp is not this client")
        return claims

    # -- sign-in --------------------------------------------------------------------------

    def begin(self, redirect_uri: str, return_to: str) -> tuple[str, str]:
        """The authorization URL, and the signed state for the browser's cookie."""
        login = LoginState(
            state=secrets.token_urlsafe(24),
            nonce=secrets.token_urlsafe(24),
            verifier=secrets.token_urlsafe(48),
            return_to=return_to,
        )
        challenge = _b64(hashlib.sha256(login.verifier.encode()).digest())
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "scope": "openid profile email",
                "state": login.state,
                "nonce": login.nonce,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        cookie = self._serializer.dumps(attrs.asdict(login))
        return f"{self.metadata()['authorization_endpoint']}?{query}", cookie

    def load_state(self, cookie: str | None, state: str | None) -> LoginState:
        """The login state, if the cookie is genuine, fresh, and matches ``state``."""
        if not cookie or not state:
            raise SignInFailed("sign-in state is missing: start again from the sign-in link")
        try:
            data = self._serializer.loads(cookie, max_age=STATE_MAX_AGE)
            login = LoginState(**data)
        except (BadSignature, TypeError):
            raise SignInFailed("sign-in state expired or was altered: sign in again") from None
        if not hmac.compare_digest(login.state, state):
            raise SignInFailed("state does not match this browser's sign-in: sign in again")
        return login

    def finish(self, login: LoginState, code: str, redirect_uri: str) -> Subscriber:
        """Exchange ``code`` and verify the ID token; the subscriber it names."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": login.verifier,
        }
        auth = None
        if self.client_secret is not None:
            auth = (self.client_id, self.client_secret)  # client_secret_basic
        else:
            form["client_id"] = self.client_id
        try:
            response = self.http.post(
                self.metadata()["token_endpoint"], data=form, auth=auth, timeout=HTTP_TIMEOUT
            )
            tokens = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise SignInFailed(f"token endpoint unreachable: {exc}", 502) from None
        if response.status_code != 200 or not isinstance(tokens, dict):
            error = tokens.get("error") if isinstance(tokens, dict) else None
            raise SignInFailed(f"token endpoint refused the code: {error or response.status_code}")
        id_token = tokens.get("id_token")
        if not isinstance(id_token, str):
            raise SignInFailed("token response has no id_token", 502)
        claims = self._decode(id_token, require=["iss", "aud", "exp", "iat", "sub", "nonce"])
        if not hmac.compare_digest(str(claims.get("nonce")), login.nonce):
            raise SignInFailed("ID token nonce does not match this sign-in")
        return self.subscriber(claims)

    def subscriber(self, claims: Mapping[str, Any]) -> Subscriber:
        """Map ID-token claims to a Subscriber through the configured claim names."""
        c = self.claims
        sid = claims.get(c["session_id"]) or f"rp-{secrets.token_urlsafe(12)}"
        try:
            return Subscriber(
                subscriber_id=str(claims[c["subscriber_id"]]),
                name=str(claims.get(c["name"]) or claims[c["subscriber_id"]]),
                email=str(claims.get(c["email"], "")),
                organization_id=str(claims.get(c["organization_id"], "")),
                organization_name=str(claims.get(c["organization_name"], "")),
                tax_ids=_as_tuple(claims.get(c["tax_ids"])),
                roles=_as_tuple(claims.get(c["roles"])),
                session_id=str(sid),
                auth_time=float(claims.get(c["auth_time"]) or claims["iat"]),
            )
        except KeyError as exc:
            raise SignInFailed(f"ID token lacks the claim {exc.args[0]!r}", 502) from None
        except (TypeError, ValueError) as exc:
            raise SignInFailed(f"ID token claims are not usable: {exc}", 502) from None

    def end_session_url(self, post_logout_redirect_uri: str) -> str | None:
        """RP-initiated logout at the issuer, when it offers it."""
        try:
            endpoint = self.metadata().get("end_session_endpoint")
        except SignInFailed:
            return None
        if not isinstance(endpoint, str):
            return None
        query = urlencode(
            {"client_id": self.client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
        )
        return f"{endpoint}?{query}"

    # -- back-channel logout --------------------------------------------------------------

    def logout_sid(self, logout_token: str) -> str:
        """Verify a back-channel logout token; the IdP session id it ends."""
        claims = self._decode(logout_token, require=["iss", "aud", "iat", "jti"], verify_exp=False)
        events = claims.get("events")
        if not isinstance(events, dict) or LOGOUT_EVENT not in events:
            raise SignInFailed("logout token lacks the back-channel-logout event")
        if "nonce" in claims:
            raise SignInFailed("logout token must not carry a nonce")
        sid = claims.get("sid")
        if not isinstance(sid, str) or not sid:
            raise SignInFailed("logout token without sid: only per-session logout is supported")
        return sid
