"""``ohp-gateway proxy --upstream URL [--config FILE] [--listen HOST:PORT]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..errors import ConfigError

__all__ = ["main"]


def _listen(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"{value!r} is not HOST:PORT")
    return host or "127.0.0.1", int(port)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="ohp-gateway proxy",
        description="Run the gateway as a reverse proxy in front of a site that cannot change.",
    )
    parser.add_argument("--upstream", required=True, help="the site, e.g. http://127.0.0.1:8080")
    parser.add_argument("--config", help="TOML file (default: OHP_GATEWAY_* environment)")
    parser.add_argument(
        "--listen",
        type=_listen,
        default=("127.0.0.1", 8000),
        help="HOST:PORT to listen on (default 127.0.0.1:8000)",
    )
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning"])
    args = parser.parse_args(argv)
    try:
        import uvicorn

        from .app import build_app

        app = build_app(args.upstream, args.config)
    except ImportError as exc:
        print(f"ohp-gateway proxy: install the 'proxy' extra: {exc}", file=sys.stderr)
        return 2
    except (ConfigError, ValueError) as exc:
        print(f"ohp-gateway proxy: {exc}", file=sys.stderr)
        return 2
    host, port = args.listen
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=args.log_level,
        proxy_headers=False,
        server_header=False,
        lifespan="on",
        ws="websockets-sansio",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
