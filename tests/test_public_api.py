from __future__ import annotations

import ohp_gateway


def test_public_names_are_pinned() -> None:
    assert sorted(ohp_gateway.__all__) == [
        "ConfigError",
        "Gateway",
        "GatewayConfig",
        "GatewayError",
        "InvalidSession",
        "Keyring",
        "Subscriber",
        "current_subscriber",
    ]


def test_current_subscriber_reads_environ_or_scope() -> None:
    from core_support import build_subscriber

    who = build_subscriber()
    assert ohp_gateway.current_subscriber({"ohp.subscriber": who}) is who
    assert ohp_gateway.current_subscriber({}) is None
    assert ohp_gateway.current_subscriber({"ohp.subscriber": "forged"}) is None


def test_engine_imports_no_web_framework() -> None:
    import subprocess
    import sys

    code = (
        "import sys, ohp_gateway, ohp_gateway.gateway;"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "{'werkzeug','starlette','flask','django','fastapi','uvicorn','httpx'} "
        "or m.startswith(('ohp_gateway.wsgi','ohp_gateway.asgi','ohp_gateway.idp'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
