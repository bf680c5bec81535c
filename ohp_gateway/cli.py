"""The ``ohp-gateway`` command."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from .config import GatewayConfig
from .errors import ConfigError
from .keys import Keyring

__all__ = ["main"]


def _keygen(args: argparse.Namespace) -> int:
    if args.rotate is None:
        print(Keyring.generate().serialize())
        return 0
    try:
        existing = Keyring.parse(args.rotate)
    except ConfigError as exc:
        print(f"ohp-gateway keygen: --rotate: {exc.reason}", file=sys.stderr)
        return 2
    print(existing.rotate().serialize())
    return 0


def _check_config(args: argparse.Namespace) -> int:
    try:
        config = GatewayConfig.from_toml(args.file) if args.file else GatewayConfig.from_env()
    except ConfigError as exc:
        print(f"ohp-gateway check-config: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(config.masked(), indent=2, default=str))
    return 0


def _delegate(module: str, argv: Sequence[str]) -> int:
    import importlib

    target: Callable[[list[str]], int] = importlib.import_module(module).main
    return target(list(argv))


_DELEGATED = {
    "idp": "ohp_gateway.idp.cli",
    "mint-cookie": "ohp_gateway.testing.mint",
    "proxy": "ohp_gateway.proxy.cli",
    "demo": "ohp_gateway.demo",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ohp-gateway", description="Single sign-on gateway for participating sites."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    keygen = sub.add_parser("keygen", help="print a new session key (kid:base64url_key)")
    keygen.add_argument(
        "--rotate",
        metavar="EXISTING",
        help="print EXISTING keyring with a new first (sealing) key; old keys still open",
    )
    keygen.set_defaults(func=_keygen)
    check = sub.add_parser("check-config", help="validate a config; print it with secrets masked")
    check.add_argument("file", nargs="?", help="TOML file (default: OHP_GATEWAY_* environment)")
    check.set_defaults(func=_check_config)
    for name, help_text in (
        ("idp", "run or administer the reference identity provider"),
        ("mint-cookie", "print a session cookie for curl (anyone with the keys can do this)"),
        ("proxy", "run the standalone reverse proxy"),
        ("demo", "the one-command tour: IdP, gateway and a sample site on 127.0.0.1"),
    ):
        sub.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``ohp-gateway``; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in _DELEGATED:
        try:
            return _delegate(_DELEGATED[args_list[0]], args_list[1:])
        except (ImportError, AttributeError) as exc:
            print(f"ohp-gateway {args_list[0]}: not available: {exc}", file=sys.stderr)
            return 2
    args = _parser().parse_args(args_list)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
