"""The WSGI adapter passes the app's response through untouched."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ohp_gateway.clock import FakeClock
from ohp_gateway.config import GatewayConfig
from ohp_gateway.identity import Subscriber
from ohp_gateway.keys import Keyring
from ohp_gateway.wsgi import GatewayMiddleware

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

KEYS = Keyring.generate("wsgi1")
START = 1_767_225_600.0
JANE = Subscriber(
    "S1", "Jane Doe", "jane@clinic.example", "O1", "Clinic", ("91-1234567",), ("Billing",),
    "sid", START,
)  # fmt: skip


def _environ(cookie: str | None = None, path: str = "/") -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": "site.example",
        "SERVER_PORT": "443",
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    return environ


class Started:
    def __init__(self) -> None:
        self.calls: list[tuple[str, list[tuple[str, str]], Any]] = []

    def __call__(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        self.calls.append((status, headers, exc_info))
        return lambda data: None


def _wrap(app: Any, clock: FakeClock | None = None) -> tuple[GatewayMiddleware, str]:
    middleware = GatewayMiddleware(app, GatewayConfig(site_id="wsgi", keys=KEYS), clock)
    name, value = middleware.gateway.seal(JANE)
    return middleware, f"{name}={value}"


class Body:
    """A response iterable that records how far it was consumed and whether it was closed."""

    def __init__(self) -> None:
        self.produced = 0
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in (b"one", b"two", b"three"):
            self.produced += 1
            yield chunk

    def close(self) -> None:
        self.closed = True


def test_response_iterable_is_returned_as_is_so_streaming_and_close_pass_through() -> None:
    body = Body()

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [])
        return body

    middleware, cookie = _wrap(app, FakeClock(START))
    result = middleware(_environ(cookie), Started())
    assert result is body
    iterator = iter(result)
    assert next(iterator) == b"one"
    assert body.produced == 1
    result.close()  # type: ignore[attr-defined]
    assert body.closed


def test_file_wrapper_reaches_the_app_and_its_result_passes_through(tmp_path: Path) -> None:
    class FileWrapper:
        def __init__(self, f: Any, size: int = 8192) -> None:
            self.f = f

    target = tmp_path / "report.txt"
    target.write_bytes(b"report")

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [])
        return environ["wsgi.file_wrapper"](target.open("rb"))  # type: ignore[no-any-return]

    middleware, cookie = _wrap(app, FakeClock(START))
    environ = _environ(cookie)
    environ["wsgi.file_wrapper"] = FileWrapper
    result = middleware(environ, Started())
    assert isinstance(result, FileWrapper)
    result.f.close()


def test_exception_from_the_app_propagates_unchanged() -> None:
    error = RuntimeError("boom")

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        raise error

    middleware, cookie = _wrap(app, FakeClock(START))
    with pytest.raises(RuntimeError) as caught:
        middleware(_environ(cookie), Started())
    assert caught.value is error


def test_set_cookie_is_added_even_when_the_app_restarts_with_exc_info() -> None:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [("X-A", "1")])
        try:
            raise ValueError("late")
        except ValueError:
            start_response("500 Internal Server Error", [], sys.exc_info())
        return [b""]

    clock = FakeClock(START)
    middleware, cookie = _wrap(app, clock)
    clock.advance(120)
    started = Started()
    middleware(_environ(cookie), started)
    _, (second, headers, exc_info) = started.calls
    assert second.startswith("500")
    assert exc_info[0] is ValueError
    assert [k for k, _ in headers] == ["Set-Cookie"]


def test_reply_from_the_gateway_has_a_status_line_and_content_length() -> None:
    middleware, _ = _wrap(lambda environ, start_response: [b""])
    started = Started()
    body = b"".join(middleware(_environ(path="/.ohp/health"), started))
    status, headers, _ = started.calls[0]
    assert status == "200 OK"
    assert ("Content-Length", str(len(body))) in headers


def test_config_may_be_a_toml_path(tmp_path: Path) -> None:
    toml = tmp_path / "gateway.toml"
    toml.write_text(f'site_id = "from-toml"\nkeys = "{KEYS.serialize()}"\n')
    assert GatewayMiddleware(lambda e, s: [], toml).gateway.config.site_id == "from-toml"
    assert GatewayMiddleware(lambda e, s: [], str(toml)).gateway.config.site_id == "from-toml"


def test_config_defaults_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OHP_GATEWAY_SITE_ID", "from-env")
    monkeypatch.setenv("OHP_GATEWAY_KEYS", KEYS.serialize())
    assert GatewayMiddleware(lambda e, s: []).gateway.config.site_id == "from-env"
