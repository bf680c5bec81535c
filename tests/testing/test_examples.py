"""The example sites' own suite (``examples/tests``), which uses the plugin, run by pytester.

Flask, FastAPI, Starlette and Django (WSGI and ASGI): authenticated page, public page,
missing role -> 403, idle past ``idle_timeout`` on ``ohp_clock`` -> sign-in, logout.
"""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLE_TESTS = Path(__file__).resolve().parents[2] / "examples" / "tests"


def test_example_sites_pass_their_plugin_based_suite(pytester: pytest.Pytester) -> None:
    # A process of its own: Django's settings are process-wide.
    result = pytester.runpytest_subprocess(
        str(EXAMPLE_TESTS), "-p", "no:hypothesispytest", "-p", "no:cacheprovider", "-rs", "-v"
    )
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == outcomes.get("errors", 0) == 0, result.stdout.str()
    for framework in ("flask", "fastapi", "django-wsgi", "django-asgi"):
        result.stdout.fnmatch_lines(
            [
                f"*test_home_page_greets_the_subscriber_*?{framework}? PASSED*",
                f"*test_claims_without_the_billing_role_are_forbidden?{framework}? PASSED*",
                f"*test_gateway_logout_ends_the_session?{framework}? PASSED*",
                f"*test_dropping_the_cookie_signs_out?{framework}? PASSED*",
            ]
        )
    for framework in ("django-wsgi", "django-asgi"):
        result.stdout.fnmatch_lines(
            [f"*test_session_idle_past_the_timeout_is_sent_to_sign_in?{framework}? PASSED*"]
        )
