"""Back-channel logout delivery after a termination, off the request's critical path."""

from __future__ import annotations

import logging
import threading

from .page import Page

log = logging.getLogger(__name__)


def deliver_logouts(page: Page) -> None:
    """Ask the OpenID Connect provider to deliver queued logout events (it retries what
    fails). Without a provider the events stay queued in the store."""
    provider = page.web.provider
    if provider is None:
        return

    def work() -> None:
        try:
            provider.process_logout_events()
        except Exception:
            log.exception("delivering back-channel logouts failed")

    threading.Thread(target=work, name="ohp-idp-logouts", daemon=True).start()
