"""Back-channel logout to real HTTP endpoints on 127.0.0.1: on sign-out, on termination, and
retried with backoff while a site is down."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jwt
import pytest

from ohp_gateway.clock import FakeClock
from ohp_gateway.idp import audit, sessions, termination
from ohp_gateway.idp.context import Actor, Context
from ohp_gateway.idp.oidc import OidcProvider
from ohp_gateway.idp.oidc.backchannel import MAX_ATTEMPTS, backoff
from ohp_gateway.idp.oidc.tokens import LOGOUT_EVENT
from ohp_gateway.idp.sessions import IdpSession

from .conftest import ISSUER, Registered, get_code, register_site
from .servers import Recorder, serve


@pytest.fixture
def recorder() -> Iterator[tuple[Recorder, str]]:
    site = Recorder()
    with serve(site) as url:
        yield site, f"{url}/.ohp/backchannel-logout"


@pytest.fixture
def site(ctx: Context, recorder: tuple[Recorder, str]) -> Registered:
    return register_site(ctx, backchannel=recorder[1])


def claims_of(provider: OidcProvider, token: str) -> dict[str, Any]:
    keys = jwt.PyJWKSet.from_dict(provider.keys.jwks())
    assert jwt.get_unverified_header(token)["typ"] == "logout+jwt"
    decoded: dict[str, Any] = jwt.decode(
        token,
        keys.keys[0],
        algorithms=["RS256"],
        audience="portal",
        issuer=ISSUER,
        options={"verify_iat": False, "verify_exp": False},
    )
    return decoded


def test_sign_out_posts_a_logout_token_to_the_visited_site(
    provider: OidcProvider,
    session: IdpSession,
    site: Registered,
    recorder: tuple[Recorder, str],
    ctx: Context,
) -> None:
    get_code(provider, session, site)
    provider.sign_out(session, "logout")
    (token,) = recorder[0].tokens
    claims = claims_of(provider, token)
    assert claims["sid"] == session.sid and claims["sub"] == session.subscriber_id
    assert claims["events"] == {LOGOUT_EVENT: {}} and "nonce" not in claims and claims["jti"]
    assert sessions.resume(ctx, "whatever") is None
    assert provider.delivery_failures() == []
    assert audit.entries(ctx.store, action="oidc.backchannel.delivered")


def test_sites_not_visited_hear_nothing(
    provider: OidcProvider,
    session: IdpSession,
    site: Registered,
    recorder: tuple[Recorder, str],
) -> None:
    provider.sign_out(session, "logout")
    assert recorder[0].tokens == []


def test_site_down_then_up_is_retried_with_backoff(
    provider: OidcProvider,
    session: IdpSession,
    site: Registered,
    recorder: tuple[Recorder, str],
    clock: FakeClock,
) -> None:
    endpoint, _ = recorder
    get_code(provider, session, site)
    endpoint.down = True
    provider.sign_out(session, "logout")
    (failure,) = provider.delivery_failures()
    assert failure["site"] == "Site portal" and failure["attempts"] == 1
    assert failure["last_error"] == "HTTP 503" and str(failure["sid"]).endswith("…")
    assert session.sid not in str(failure)
    assert failure["next_attempt_at"] == clock.now() + backoff(1) == clock.now() + 30
    assert provider.deliver_due() == 0  # not due yet
    clock.advance(30)
    assert provider.deliver_due() == 1
    assert provider.delivery_failures()[0]["attempts"] == 2
    endpoint.down = False
    clock.advance(backoff(2))
    assert provider.deliver_due() == 1
    assert provider.delivery_failures() == [] and len(endpoint.tokens) == 1


def test_unreachable_site_is_a_failure_not_a_crash(
    provider: OidcProvider, session: IdpSession, ctx: Context
) -> None:
    site = register_site(ctx, client_id="gone", backchannel="http://127.0.0.1:9/logout")
    get_code(provider, session, site)
    provider.sign_out(session, "logout")
    (failure,) = provider.delivery_failures()
    assert "ConnectionError" in str(failure["last_error"])


def test_backoff_doubles_to_an_hour_then_gives_up(
    provider: OidcProvider,
    session: IdpSession,
    site: Registered,
    recorder: tuple[Recorder, str],
    clock: FakeClock,
) -> None:
    assert [backoff(n) for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]
    recorder[0].down = True
    get_code(provider, session, site)
    provider.sign_out(session, "logout")
    for _ in range(MAX_ATTEMPTS):
        clock.advance(3600)
        provider.deliver_due()
    (failure,) = provider.delivery_failures()
    assert failure["abandoned"] is True and failure["attempts"] == MAX_ATTEMPTS
    assert failure["next_attempt_at"] is None


def test_termination_ends_every_session_and_reaches_every_visited_site(
    provider: OidcProvider,
    session: IdpSession,
    site: Registered,
    recorder: tuple[Recorder, str],
    ctx: Context,
) -> None:
    other = register_site(ctx, client_id="other", backchannel=recorder[1])
    second = sessions.start(ctx, session.subscriber_id, "phone")[0]
    get_code(provider, session, site)
    get_code(provider, second, other)
    termination.terminate(ctx, Actor.support("ops"), session.subscriber_id)
    provider.process_logout_events()
    sids = sorted(
        jwt.decode(t, options={"verify_signature": False})["sid"] for t in recorder[0].tokens
    )
    assert sids == sorted([session.sid, second.sid])
    assert termination.pending_logout_events(ctx) == []
    provider.process_logout_events()  # idempotent: nothing more is sent
    assert len(recorder[0].tokens) == 2


def test_termination_reaches_sites_of_sessions_that_already_idled_out(
    provider: OidcProvider,
    session: IdpSession,
    site: Registered,
    recorder: tuple[Recorder, str],
    ctx: Context,
) -> None:
    get_code(provider, session, site)
    sessions.end(ctx, session.sid, "expired")  # the site's own session may still be alive
    termination.terminate(ctx, Actor.support("ops"), session.subscriber_id)
    provider.process_logout_events()
    assert len(recorder[0].tokens) == 1


def test_site_without_a_backchannel_uri_is_skipped_quietly(
    provider: OidcProvider, session: IdpSession, ctx: Context
) -> None:
    site = register_site(ctx, client_id="quiet", backchannel=None)
    get_code(provider, session, site)
    provider.sign_out(session, "logout")
    assert provider.delivery_failures() == []
