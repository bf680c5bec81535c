"""``ohp-gateway mint-cookie``: print a session cookie for curl and browser experiments."""

from __future__ import annotations

import argparse
import re
import secrets
import sys
import textwrap
import time

from ..config import load_config
from ..errors import ConfigError, CookieTooLarge
from .clients import session_cookie
from .factories import SUBSCRIBER_DEFAULTS, make_subscriber

__all__ = ["main"]

PROG = "ohp-gateway mint-cookie"

# Subscriber field -> the option that sets it, to name the option in error messages.
_OPTIONS = {
    "subscriber_id": "--subscriber-id",
    "name": "--name",
    "email": "--email",
    "organization_id": "--organization-id",
    "organization_name": "--organization-name",
    "tax_ids": "--tax-id",
    "roles": "--role",
    "session_id": "--session-id",
    "auth_time": "--auth-time",
}

WARNING = (
    "anyone who holds this site's session keys can mint a session for any "
    "subscriber, as this command just did. Keep the keys (OHP_GATEWAY_KEYS or keys_file) "
    "readable only by the gateway's service account, never in a repository or a shared "
    "shell history, and rotate them (`ohp-gateway keygen --rotate`) if they leak. "
    "Treat the printed cookie as a password: it signs in as {subscriber_id} until "
    "{idle:g} s of inactivity."
)
HOST_NOTE = (
    " The cookie is named {name} (secure_cookies = true): browsers send it only over "
    "https, while `curl -b` sends it to any URL."
)


def _parser() -> argparse.ArgumentParser:
    d = SUBSCRIBER_DEFAULTS
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Print a session cookie NAME=VALUE for `curl -b`. Unset fields take "
        "the test defaults shown.",
    )
    add = parser.add_argument
    add("--config", metavar="FILE", help="TOML config (default: OHP_GATEWAY_* environment)")
    add("--subscriber-id", default=d["subscriber_id"], help="(default: %(default)s)")
    add("--name", default=d["name"], help="display name (default: %(default)s)")
    add("--email", default=d["email"], help="(default: %(default)s)")
    add("--organization-id", default=d["organization_id"], help="(default: %(default)s)")
    add("--organization-name", default=d["organization_name"], help="(default: %(default)s)")
    add("--tax-id", action="append", dest="tax_ids", metavar="TAX_ID",
        help=f"repeat for several (default: {','.join(d['tax_ids'])})")  # fmt: skip
    add("--role", action="append", dest="roles", metavar="ROLE",
        help=f"repeat for several (default: {','.join(d['roles'])})")  # fmt: skip
    add("--session-id", help="IdP session id, for revocation (default: a random one)")
    add("--auth-time", type=float, help="sign-in time, unix seconds (default: now)")
    return parser


def _option_of(message: str) -> str:
    field = re.match(r"[a-z_]+", message)
    return _OPTIONS.get(field.group(0) if field else "", "subscriber")


def main(argv: list[str] | None = None) -> int:
    """Run the command; 0 on success, 2 on invalid input (the message names the option)."""
    args = _parser().parse_args(argv)
    now = time.time()
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        return _fail(f"--config: {exc}" if args.config else str(exc))
    try:
        subscriber = make_subscriber(
            subscriber_id=args.subscriber_id,
            name=args.name,
            email=args.email,
            organization_id=args.organization_id,
            organization_name=args.organization_name,
            tax_ids=args.tax_ids or SUBSCRIBER_DEFAULTS["tax_ids"],
            roles=args.roles or SUBSCRIBER_DEFAULTS["roles"],
            session_id=args.session_id or f"mint-{secrets.token_urlsafe(9)}",
            auth_time=now if args.auth_time is None else args.auth_time,
        )
        name, value = session_cookie(config, subscriber, now)
    except (TypeError, ValueError) as exc:
        return _fail(f"{_option_of(str(exc))}: {exc}")
    except CookieTooLarge as exc:
        return _fail(f"--tax-id/--role: {exc}")
    warning = WARNING.format(subscriber_id=subscriber.subscriber_id, idle=config.idle_timeout)
    if name.startswith("__Host-"):
        warning += HOST_NOTE.format(name=name)
    print(textwrap.fill(f"{PROG}: warning: {warning}", width=88), file=sys.stderr)
    print(f"{name}={value}")
    return 0


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
