"""Real servers on 127.0.0.1 and Debian's Chromium driven by Playwright.

The identity provider (with a seeded demo community) and a participating site behind
``GatewayMiddleware`` each run in a threaded Werkzeug server. Screenshots go to a temporary
folder, or to ``docs/images/`` when the environment has ``OHP_SCREENSHOTS=1``. Without
Chromium the tests are skipped.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pytest

from ohp_gateway.config import GatewayConfig
from ohp_gateway.demo import site_app
from ohp_gateway.idp import create_app
from ohp_gateway.idp.config import TEST_ARGON2, IdpConfig
from ohp_gateway.idp.context import Context, open_context
from ohp_gateway.idp.identity import StaticVerifier
from ohp_gateway.idp.mail import FolderOutbox
from ohp_gateway.idp.seed import seed_demo
from ohp_gateway.idp.web.app import IdpApp
from ohp_gateway.keys import Keyring
from ohp_gateway.wsgi import GatewayMiddleware

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from playwright.sync_api import Browser, BrowserContext, Page

#: Debian's Chromium; ``OHP_CHROMIUM`` names another binary.
CHROMIUM = Path(os.environ.get("OHP_CHROMIUM", "/usr/bin/chromium"))
HOST = "127.0.0.1"
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
VIEWPORT = {"width": 1100, "height": 800}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _Late:
    """A WSGI app filled in after its server has a port (the IdP's issuer names the port)."""

    def __init__(self) -> None:
        self.app: WSGIApplication | None = None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        assert self.app is not None, "served before the app was set"
        return self.app(environ, start_response)


def _serve(app: _Late) -> tuple[str, Callable[[], None]]:
    from werkzeug.serving import make_server

    server = make_server(HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(timeout=10)

    return f"http://{HOST}:{server.server_port}", stop


@attrs.define
class Community:
    """The running servers, the IdP's data and what the seed created."""

    idp_url: str
    site_url: str
    ctx: Context
    idp: IdpApp
    mail: Path
    seeded: dict[str, Any]

    def newest_mail(self, to: str) -> str:
        """The plain-text body of the newest message sent to ``to``."""
        for path in sorted(self.mail.glob("*.eml"), reverse=True):
            parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
            if str(parsed["To"]).lower() == to.lower():
                body = parsed.get_body(("plain",))
                assert body is not None
                return str(body.get_content())
        raise AssertionError(f"no message to {to} in {self.mail}")

    @property
    def support_operator(self) -> dict[str, Any]:
        """The seed's second Evergreen administrator, acting as a support desk operator."""
        return dict(self.seeded["organizations"][0]["administrators"][1])


@pytest.fixture(scope="module")
def community(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Community]:
    workdir = tmp_path_factory.mktemp("community")
    idp_late, site_late = _Late(), _Late()
    idp_url, stop_idp = _serve(idp_late)
    site_url, stop_site = _serve(site_late)
    try:
        ctx = open_context(
            workdir / "idp.sqlite3",
            config=IdpConfig(argon2=TEST_ARGON2, public_url=idp_url),
            outbox=FolderOutbox(workdir / "mail"),
            verifier=StaticVerifier(True),
        )
        seeded = seed_demo(ctx, site_url=site_url)
        operator = seeded["organizations"][0]["administrators"][1]["subscriber_id"]
        idp = create_app(ctx, issuer=idp_url, secure_cookies=False, support_operators=[operator])
        idp_late.app = idp
        gateway = GatewayConfig(
            site_id="demo-site",
            keys=Keyring.generate(),
            issuer=idp_url,
            client_id=seeded["site"]["client_id"],
            client_secret=seeded["site"]["client_secret"],
            secure_cookies=False,  # plain http on 127.0.0.1
        )
        site_late.app = GatewayMiddleware(site_app, gateway)
        yield Community(idp_url, site_url, ctx, idp, workdir / "mail", seeded)
    finally:
        stop_site()
        stop_idp()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


class Camera:
    """Saves a screenshot of a page under a stable name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.taken: list[str] = []

    def shoot(self, page: Page, name: str, *, top: bool = True) -> None:
        """The viewport; scrolled back to the top unless ``top`` is false."""
        assert re.fullmatch(r"[a-z0-9-]+", name), name
        if top:
            page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(self.folder / f"{name}.png"))
        self.taken.append(name)


@pytest.fixture(scope="module")
def camera(tmp_path_factory: pytest.TempPathFactory) -> Camera:
    if os.environ.get("OHP_SCREENSHOTS") == "1":
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        return Camera(DOCS_IMAGES)
    return Camera(tmp_path_factory.mktemp("screenshots"))


@pytest.fixture(scope="module")
def new_context(chromium: Browser) -> Iterator[Callable[[], BrowserContext]]:
    """Fresh browser profiles (separate cookie jars), closed at the end of the module."""
    opened: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = chromium.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
        context.set_default_timeout(10_000)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()
