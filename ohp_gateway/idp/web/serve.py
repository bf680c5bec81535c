"""``ohp-gateway idp serve``: the identity provider under gunicorn (a production WSGI server).

The signing secret for CSRF and second-factor state is made once in the master, so every
worker accepts the forms of every other. Each worker opens its own SQLite connection (never
one inherited across ``fork``) and delivers queued back-channel logouts every 30 seconds.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

from .app import IdpApp, create_app

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

log = logging.getLogger(__name__)

#: Retry pending back-channel logouts this often (seconds) in every worker.
DELIVERY_INTERVAL = 30.0


class _Gunicorn(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    def __init__(self, factory: Callable[[], WSGIApplication], options: dict[str, Any]) -> None:
        self._factory = factory
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIApplication:
        return self._factory()


def serve(
    db: str,
    *,
    listen: str = "127.0.0.1:8000",
    issuer: str | None = None,
    secure_cookies: bool = True,
    workers: int = 2,
    support_operators: Iterable[str] = (),
) -> int:
    """Run until stopped (SIGTERM/SIGINT); returns the exit status."""
    key = secrets.token_bytes(32)
    operators = tuple(support_operators)

    def factory() -> WSGIApplication:
        app = create_app(
            db,
            issuer=issuer,
            secure_cookies=secure_cookies,
            secret_key=key,
            support_operators=operators,
        )
        _start_deliveries(app)
        return app

    options = {
        "bind": [listen],
        "workers": max(1, workers),
        "worker_class": "sync",
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "ohp-idp",
        "forwarded_allow_ips": "127.0.0.1",
    }
    _Gunicorn(factory, options).run()
    return 0


def _start_deliveries(app: IdpApp) -> None:
    provider = app.web.provider
    if provider is None:
        return
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(DELIVERY_INTERVAL):
            try:
                provider.process_logout_events()
            except Exception:
                log.exception("delivering back-channel logouts failed")

    threading.Thread(target=loop, name="ohp-idp-deliveries", daemon=True).start()
