"""OpenID Connect provider throughput over real HTTP on 127.0.0.1: ``/token`` code exchanges
per second and ``/jwks`` requests per second.

Run: ``python benchmarks/bench_oidc.py``. The baseline is a bare Werkzeug app answering a
static JSON document through the same server and client in the same run; each endpoint is
reported as requests/s and as a ratio to it, so the provider's own cost (SQLite write, RS256
signature, audit row) is visible apart from HTTP. Each measurement runs for ``DURATION`` s.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from ohp_gateway.idp import sessions
from ohp_gateway.idp.context import Context, open_context
from ohp_gateway.idp.mail import Message
from ohp_gateway.idp.oidc import OidcProvider
from ohp_gateway.idp.oidc.codes import CodeGrant, issue_code
from ohp_gateway.idp.seed import seed_demo

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

DURATION = 3.0
REDIRECT = "http://127.0.0.1:8000/.ohp/callback"  # the demo site's registered callback


class NullOutbox:
    def send(self, message: Message) -> None:
        pass


@contextmanager
def serve(app: WSGIApplication) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app)  # one thread: one SQLite connection
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def static_json(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    body = json.dumps({"keys": [{"kty": "RSA", "kid": "k", "n": "x" * 342, "e": "AQAB"}]})
    response = Response(body, mimetype="application/json")
    return response(environ, start_response)


def provider_app(provider: OidcProvider) -> WSGIApplication:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        response = provider.handle(Request(environ), None, lambda n: "/login")
        return (response or Response("", 404))(environ, start_response)

    return app


def rate(call: Callable[[int], None]) -> float:
    """Calls per second of ``call(n)`` over ``DURATION`` seconds."""
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < DURATION:
        call(n)
        n += 1
    return n / (time.perf_counter() - start)


def get_rate(http: requests.Session, url: str) -> float:
    def once(_: int) -> None:
        http.get(url, timeout=10).raise_for_status()

    return rate(once)


def codes_for(ctx: Context, subscriber_id: str, count: int) -> list[tuple[str, str]]:
    """Authorization codes (and their verifiers) made beforehand; /token is what is timed."""
    session, _ = sessions.start(ctx, subscriber_id, "bench")
    out = []
    for _ in range(count):
        verifier = secrets.token_urlsafe(48)
        digest = hashlib.sha256(verifier.encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        grant = CodeGrant(
            "demo-site",
            REDIRECT,
            challenge,
            "n",
            "openid profile email",
            session.sid,
            subscriber_id,
            session.auth_time,
        )
        out.append((issue_code(ctx, grant, "bench"), verifier))
    return out


def token_rate(http: requests.Session, url: str, codes: list[tuple[str, str]], auth: Any) -> float:
    def once(n: int) -> None:
        code, verifier = codes[n]
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
        }
        response = http.post(f"{url}/token", data=form, auth=auth, timeout=10)
        assert response.status_code == 200, response.text

    return rate(once)


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log per request
    with tempfile.TemporaryDirectory() as folder:
        ctx = open_context(Path(folder) / "idp.sqlite3", outbox=NullOutbox())
        demo = seed_demo(ctx)
        member = demo["organizations"][0]["subscribers"][0]["subscriber_id"]
        auth = (demo["site"]["client_id"], demo["site"]["client_secret"])
        provider = OidcProvider(ctx, "http://127.0.0.1", session_cookie="ohp_idp")
        http = requests.Session()
        with serve(static_json) as base_url:
            get_rate(http, base_url)  # warm-up
            baseline = get_rate(http, base_url)
        codes = codes_for(ctx, member, 5000)
        with serve(provider_app(provider)) as url:
            jwks = get_rate(http, f"{url}/jwks")
            token = token_rate(http, url, codes, auth)
    print(f"baseline (static JSON, same server): {baseline:8.0f} req/s")
    print(f"/jwks                              : {jwks:8.0f} req/s  ({jwks / baseline:.2f}x)")
    print(f"/token code exchanges              : {token:8.0f} /s     ({token / baseline:.2f}x)")


if __name__ == "__main__":
    main()
