"""``ohp-gateway demo``: the one-command tour on 127.0.0.1.

Starts the reference identity provider (a seeded community in SQLite), a sample participating
site that knows nothing of sign-in, and the gateway as a reverse proxy in front of it. Then it
prints who can sign in. ``--check`` walks the tour itself over HTTP and exits.
"""

from __future__ import annotations

import argparse
import html
import logging
import re
import shutil
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = ["main", "site_app"]

HOST = "127.0.0.1"


def site_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """A participating site that trusts the gateway's headers and nothing else."""

    def header(name: str) -> str:
        return unquote(environ.get("HTTP_X_OHP_" + name.upper().replace("-", "_"), ""))

    path = environ.get("PATH_INFO", "/")
    who = header("Subscriber-Name")
    if path.startswith("/claims"):
        title, text = "Claims", f"{who} may see claims for Tax IDs {header('Tax-Ids')}."
    else:
        title = "Demo Health Plan portal"
        text = (
            f"Hello {who} ({header('Subscriber-Id')}) of {header('Organization-Name')}. "
            f"Tax IDs: {header('Tax-Ids').replace(',', ', ')}. "
            f"Roles: {header('Roles').replace(',', ', ')}."
            if who
            else "Hello, visitor."
        )
    body = (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{title}</title>"
        f"<h1>{html.escape(title)}</h1><p id=greeting>{html.escape(text)}</p>"
        '<p><a href="/claims/">Claims</a> · <a href="/.ohp/logout">Sign out</a></p></html>'
    ).encode()
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [body]


class _Servers:
    """Threads serving WSGI apps (Werkzeug) and the ASGI proxy (uvicorn); stopped together."""

    def __init__(self) -> None:
        self._stops: list[Any] = []

    def wsgi(self, app: Any, port: int) -> None:
        from werkzeug.serving import make_server

        server = make_server(HOST, port, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self._stops.append(server.shutdown)

    def asgi(self, app: Any, port: int) -> None:
        import uvicorn

        server = uvicorn.Server(uvicorn.Config(app, host=HOST, port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise OSError(f"the proxy could not listen on {HOST}:{port}")
            time.sleep(0.05)

        def stop() -> None:
            server.should_exit = True
            thread.join(timeout=10)

        self._stops.append(stop)

    def stop(self) -> None:
        for stop in reversed(self._stops):
            stop()


def _check_free(port: int) -> None:
    import socket

    with socket.socket() as probe:
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            raise OSError(f"port {port} is taken ({exc.strerror})") from None


def _start(workdir: Path, port: int) -> tuple[_Servers, dict[str, Any]]:
    from .config import GatewayConfig
    from .idp import create_app
    from .idp.context import open_context
    from .idp.seed import seed_demo
    from .keys import Keyring
    from .proxy import build_app

    for taken in (port, port + 1, port + 2):
        _check_free(taken)
    site_url, idp_url = f"http://{HOST}:{port}", f"http://{HOST}:{port + 1}"
    shutil.rmtree(workdir, ignore_errors=True)  # demo data only
    workdir.mkdir(parents=True)
    ctx = open_context(workdir / "idp.sqlite3")
    community = seed_demo(ctx, site_url=site_url)
    config = GatewayConfig(
        site_id="demo-site",
        keys=Keyring.generate(),
        issuer=idp_url,
        client_id=community["site"]["client_id"],
        client_secret=community["site"]["client_secret"],
        secure_cookies=False,  # plain http on 127.0.0.1; production keeps the default
        rules=[{"path": "/claims/", "roles_any": ["Billing"]}],
    )
    servers = _Servers()
    servers.wsgi(create_app(ctx, issuer=idp_url, secure_cookies=False), port + 1)
    servers.wsgi(site_app, port + 2)
    servers.asgi(build_app(f"http://{HOST}:{port + 2}", config), port)
    community["urls"] = {"site": site_url, "idp": idp_url}
    return servers, community


def _tour(community: dict[str, Any], workdir: Path) -> str:
    lines = [
        "",
        "ohp_gateway demo",
        f"  site (behind the gateway):  {community['urls']['site']}/",
        f"  identity provider:          {community['urls']['idp']}/",
        f"  community database:         {workdir / 'idp.sqlite3'}",
        f"  outgoing mail:              {workdir / 'mail'}",
        f"  every password:             {community['password']}",
        "",
    ]
    for org in community["organizations"]:
        lines.append(f"  {org['name']} (Tax IDs {', '.join(org['tax_ids'])})")
        for admin in org["administrators"]:
            lines.append(
                f"    administrator {admin['subscriber_id']}  TOTP secret {admin['totp_secret']}"
            )
        for sub in org["subscribers"]:
            lines.append(
                f"    subscriber    {sub['subscriber_id']}  {sub['name']}: "
                f"{', '.join(sub['roles'])}"
            )
    lines += ["", "Open the site, sign in as a subscriber, try /claims/. Ctrl-C stops.", ""]
    return "\n".join(lines)


def _sign_in(site_url: str, subscriber_id: str, password: str) -> tuple[Any, Any]:
    """A browser session signing in through the gateway and the IdP's form."""
    import requests

    browser = requests.Session()
    browser.trust_env = False
    page = browser.get(f"{site_url}/", timeout=10)  # -> gateway -> IdP /login
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if match is None:
        raise RuntimeError(f"no sign-in form at {page.url}")
    form = {"subscriber_id": subscriber_id, "password": password, "csrf_token": match[1]}
    next_field = re.search(r'name="next" value="([^"]*)"', page.text)
    if next_field:
        form["next"] = html.unescape(next_field[1])
    response = browser.post(urljoin(page.url, "/login"), data=form, timeout=10)
    # After a form post the IdP moves on with a <meta refresh> page (CSP form-action).
    refresh = re.search(r'http-equiv="refresh" content="0;url=([^"]+)"', response.text)
    if refresh:
        response = browser.get(urljoin(response.url, html.unescape(refresh[1])), timeout=10)
    return browser, response


def _check(community: dict[str, Any]) -> bool:
    site_url = community["urls"]["site"]
    org = community["organizations"][0]
    billing, other = org["subscribers"][0], org["subscribers"][1]
    steps: list[tuple[str, bool]] = []
    browser, home = _sign_in(site_url, billing["subscriber_id"], community["password"])
    steps.append((f"{billing['name']} signs in and is greeted", billing["name"] in home.text))
    claims = browser.get(f"{site_url}/claims/", timeout=10)
    steps.append(("a Billing subscriber opens /claims/", claims.status_code == 200))
    browser.get(f"{site_url}/.ohp/logout", timeout=10)
    after = browser.get(f"{site_url}/", timeout=10, allow_redirects=False)
    steps.append(("after sign-out the site asks for sign-in again", after.status_code == 302))
    browser2, _ = _sign_in(site_url, other["subscriber_id"], community["password"])
    denied = browser2.get(f"{site_url}/claims/", timeout=10)
    steps.append(
        (f"{other['name']} (no Billing role) is refused /claims/", denied.status_code == 403)
    )
    for text, ok in steps:
        print(f"  [{'ok' if ok else 'FAILED'}] {text}")
    return all(ok for _, ok in steps)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ohp-gateway demo", description=__doc__)
    parser.add_argument("--dir", default="var/demo", help="where the demo keeps its data")
    parser.add_argument("--port", type=int, default=8000, help="site port; IdP uses port + 1")
    parser.add_argument("--check", action="store_true", help="walk the tour over HTTP and exit")
    args = parser.parse_args(argv)
    workdir = Path(args.dir)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no per-request lines in the tour
    try:
        servers, community = _start(workdir, args.port)
    except OSError as exc:
        print(f"ohp-gateway demo: cannot start: {exc} (is port {args.port} free?)", file=sys.stderr)
        return 2
    try:
        print(_tour(community, workdir), flush=True)
        if args.check:
            return 0 if _check(community) else 1
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        servers.stop()
