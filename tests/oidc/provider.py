"""A small but real OpenID Connect provider on 127.0.0.1 for the relying-party tests.

It auto-approves one configurable subscriber, checks what a strict provider checks (client
authentication, exact redirect URI, PKCE S256, single-use codes), and can be told to misbehave
(wrong nonce, audience, issuer, algorithm) so the gateway's refusals are tested for real.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from typing import Any
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


class Provider:
    def __init__(self, client_id: str = "site-a", client_secret: str = "s3cret") -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "op-1"
        self.claims: dict[str, Any] = {
            "sub": "S1000001",
            "name": "Jane Doe",
            "email": "jane.doe@valleyclinic.example",
            "ohp_org_id": "ORG-1",
            "ohp_org_name": "Valley Clinic",
            "ohp_tax_ids": ["91-1234567"],
            "ohp_roles": ["Billing"],
            "sid": "idp-sid-1",
        }
        self.tamper: dict[str, Any] = {}  # claim overrides applied to the next ID tokens
        self.alg = "RS256"
        self.codes: dict[str, dict[str, str]] = {}
        self.token_requests = 0
        self._server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()

    def rotate_key(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = f"op-{secrets.token_hex(3)}"

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def sign(self, claims: dict[str, Any]) -> str:
        if self.alg == "HS256":  # the classic confusion attack: HMAC keyed with the public key
            return jwt.encode(claims, "not-the-rsa-key", algorithm="HS256")
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

    def logout_token(self, **overrides: Any) -> str:
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": int(time.time()),
            "jti": secrets.token_hex(8),
            "sid": "idp-sid-1",
            "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
            **overrides,
        }
        return self.sign({k: v for k, v in claims.items() if v is not None})

    def wsgi(self, environ: Any, start_response: Any) -> Any:
        request = Request(environ)
        handler = {
            "/.well-known/openid-configuration": self.discovery,
            "/jwks": lambda r: Response(json.dumps(self.jwks()), mimetype="application/json"),
            "/authorize": self.authorize,
            "/token": self.token,
        }.get(request.path)
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)

    def discovery(self, request: Request) -> Response:
        doc = {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/logout",
        }
        return Response(json.dumps(doc), mimetype="application/json")

    def authorize(self, request: Request) -> Response:
        args = request.args
        if args.get("client_id") != self.client_id or args.get("code_challenge_method") != "S256":
            return Response("bad request", status=400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "redirect_uri": args["redirect_uri"],
            "challenge": args["code_challenge"],
            "nonce": args["nonce"],
        }
        query = urlencode({"code": code, "state": args["state"]})
        return Response(status=302, headers={"Location": f"{args['redirect_uri']}?{query}"})

    def token(self, request: Request) -> Response:
        self.token_requests += 1
        auth = request.authorization
        if auth is None or (auth.username, auth.password) != (self.client_id, self.client_secret):
            return self._error("invalid_client", 401)
        grant = self.codes.pop(request.form.get("code", ""), None)  # single use
        if grant is None or grant["redirect_uri"] != request.form.get("redirect_uri"):
            return self._error("invalid_grant")
        verifier = request.form.get("code_verifier", "").encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if digest.decode() != grant["challenge"]:
            return self._error("invalid_grant")
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            "nonce": grant["nonce"],
            **self.claims,
            **self.tamper,
        }
        body = {"id_token": self.sign(claims), "access_token": "at", "token_type": "Bearer"}
        return Response(json.dumps(body), mimetype="application/json")

    def _error(self, error: str, status: int = 400) -> Response:
        return Response(json.dumps({"error": error}), status=status, mimetype="application/json")
