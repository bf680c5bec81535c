"""The pytest plugin, run through ``pytester`` as a site's test suite would use it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

# A site's conftest: a Flask app behind the real engine, built from the plugin's fixtures.
APP_CONFTEST = """
import flask
import pytest

from ohp_gateway import Gateway
from ohp_gateway.outcome import Forward, Request


@pytest.fixture
def client(ohp_config, ohp_clock):
    gateway = Gateway(ohp_config, ohp_clock)
    app = flask.Flask("site")

    @app.get("/")
    def index():
        request = Request("GET", "/", headers={"cookie": flask.request.headers.get("Cookie", "")})
        outcome = gateway.handle(request)
        if isinstance(outcome, Forward) and outcome.subscriber is not None:
            return outcome.subscriber.subscriber_id
        return "anonymous"

    return app.test_client()
"""


# Strict like a careful site's suite. Hypothesis' plugin imports all of hypothesis at the end
# of each run, which inline runs would repeat; no test here needs it.
INNER_ARGS = (
    "-W",
    "error",
    "--strict-markers",
    "-p",
    "no:cacheprovider",
    "-p",
    "no:hypothesispytest",
)


def run(pytester: pytest.Pytester, tests: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_site=textwrap.dedent(tests))
    return pytester.runpytest(*INNER_ARGS, *args)


def test_ohp_login_signs_a_test_client_in_as_ohp_subscriber(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(APP_CONFTEST)
    result = run(
        pytester,
        """
        def test_signed_in(client, ohp_login, ohp_subscriber):
            assert client.get("/").text == "anonymous"
            assert ohp_login(client) is ohp_subscriber
            assert client.get("/").text == ohp_subscriber.subscriber_id
        """,
    )
    result.assert_outcomes(passed=1)


def test_ohp_login_takes_another_subscriber(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(APP_CONFTEST)
    result = run(
        pytester,
        """
        from ohp_gateway.testing import make_subscriber

        def test_other(client, ohp_login, ohp_clock):
            ohp_login(client, make_subscriber(clock=ohp_clock, subscriber_id="S2"))
            assert client.get("/").text == "S2"
        """,
    )
    result.assert_outcomes(passed=1)


def test_advancing_ohp_clock_past_idle_timeout_signs_out(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(APP_CONFTEST)
    result = run(
        pytester,
        """
        def test_idle(client, ohp_login, ohp_clock, ohp_config):
            ohp_login(client)
            ohp_clock.advance(ohp_config.idle_timeout - 1)
            assert client.get("/").text != "anonymous"
            ohp_clock.advance(ohp_config.idle_timeout + 1)
            assert client.get("/").text == "anonymous"
        """,
    )
    result.assert_outcomes(passed=1)


def test_marker_shapes_ohp_subscriber_closest_marker_winning(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        pytestmark = pytest.mark.ohp_subscriber(tax_ids=["91-7654321"], roles=["Module"])

        @pytest.mark.ohp_subscriber(roles=["Class"], name="Ana Ruiz")
        class TestShaped:
            @pytest.mark.ohp_subscriber(roles=["Billing", "Eligibility"])
            def test_function_marker_wins(self, ohp_subscriber):
                assert ohp_subscriber.roles == ("Billing", "Eligibility")
                assert ohp_subscriber.tax_ids == ("91-7654321",)
                assert ohp_subscriber.name == "Ana Ruiz"

            def test_class_marker(self, ohp_subscriber):
                assert ohp_subscriber.roles == ("Class",)

        def test_module_marker(ohp_subscriber, ohp_clock):
            assert ohp_subscriber.roles == ("Module",)
            assert ohp_subscriber.auth_time == ohp_clock.now()
        """,
    )
    result.assert_outcomes(passed=3)


def test_marker_with_invalid_or_unknown_fields_errors_naming_them(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
        import pytest

        @pytest.mark.ohp_subscriber(tax_ids=["12-345"])
        def test_bad_tax_id(ohp_subscriber):
            pass

        @pytest.mark.ohp_subscriber(role="Billing")
        def test_unknown_field(ohp_subscriber):
            pass

        @pytest.mark.ohp_subscriber(["Billing"])
        def test_positional(ohp_subscriber):
            pass
        """,
    )
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(
        [
            "*ValueError: tax_ids[[]0[]]: '12-345' is not a Tax ID*",
            "*TypeError: make_subscriber: unknown field(s) 'role' (did you mean 'roles'?)*",
            "*TypeError: @pytest.mark.ohp_subscriber takes keyword arguments only*",
        ]
    )


def test_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.ohp_subscriber(**fields): shape the*"])


def test_ohp_session_cookie_opens_at_the_configured_gateway(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        from ohp_gateway import Gateway

        def test_cookie(ohp_session_cookie, ohp_config, ohp_clock, ohp_subscriber):
            name, value = ohp_session_cookie
            assert name == "ohp_session"
            gateway = Gateway(ohp_config, ohp_clock)
            assert gateway.codec.open(value, ohp_clock.now()).subscriber == ohp_subscriber
        """,
    )
    result.assert_outcomes(passed=1)


def test_ohp_config_is_fresh_per_test_and_plain_http(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        seen = []

        def test_a(ohp_config):
            assert (ohp_config.site_id, ohp_config.secure_cookies) == ("test-site", False)
            seen.append(ohp_config.keyring.serialize())

        def test_b(ohp_config):
            assert ohp_config.keyring.serialize() not in seen
        """,
    )
    result.assert_outcomes(passed=2)


def test_ohp_config_is_overridden_by_a_conftest_fixture(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest
        from ohp_gateway.testing import make_config

        @pytest.fixture
        def ohp_config():
            return make_config(site_id="clinic-portal", idle_timeout=300)
        """
    )
    result = run(
        pytester,
        """
        import pytest
        from ohp_gateway import Gateway
        from ohp_gateway.errors import IdleExpired

        def test_override(ohp_config, ohp_session_cookie, ohp_clock):
            assert ohp_config.site_id == "clinic-portal"
            gateway = Gateway(ohp_config, ohp_clock)
            ohp_clock.advance(301)
            with pytest.raises(IdleExpired):
                gateway.codec.open(ohp_session_cookie[1], ohp_clock.now())
        """,
    )
    result.assert_outcomes(passed=1)


def test_no_fixture_is_autouse(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        def test_plain(request):
            assert not [f for f in request.fixturenames if f.startswith("ohp_")]
        """,
    )
    result.assert_outcomes(passed=1)


def test_loading_the_plugin_imports_none_of_the_toolkit() -> None:
    code = (
        "import sys, ohp_gateway.testing.plugin; "
        "print(sorted(m for m in sys.modules if m.startswith('ohp_gateway.testing.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['ohp_gateway.testing.plugin']"


def test_ohp_login_works_in_an_async_test_with_httpx(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import httpx
        import pytest
        from ohp_gateway import current_subscriber
        from ohp_gateway.asgi import GatewayMiddleware

        async def app(scope, receive, send):
            name = current_subscriber(scope).name.encode()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": name})

        @pytest.mark.anyio
        @pytest.mark.ohp_subscriber(name="Ana Ruiz")
        async def test_async(ohp_config, ohp_clock, ohp_login):
            transport = httpx.ASGITransport(app=GatewayMiddleware(app, ohp_config, ohp_clock))
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                assert (await c.get("/")).status_code == 302
                ohp_login(c)
                assert (await c.get("/")).text == "Ana Ruiz"
        """,
    )
    result.assert_outcomes(passed=1)


def test_ohp_login_also_opens_at_an_app_on_the_real_clock(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        from werkzeug.test import Client
        from ohp_gateway.wsgi import GatewayMiddleware

        def app(environ, start_response):
            start_response("200 OK", [])
            return [b"ok"]

        def test_real_clock(ohp_config, ohp_login):
            client = Client(GatewayMiddleware(app, ohp_config))  # no clock: the wall clock
            ohp_login(client)
            assert client.get("/").status_code == 200
        """,
    )
    result.assert_outcomes(passed=1)
