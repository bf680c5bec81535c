from __future__ import annotations

import re

import pytest

from ohp_gateway.clock import FakeClock
from ohp_gateway.idp import admins, sessions, sites
from ohp_gateway.idp.context import Actor, Context

from ..conftest import PASSWORD, Org, add_member
from .conftest import Admin, Browser, fresh_code

GENERIC = "may be temporarily locked"


def test_login_page_has_labelled_fields(browser: Browser) -> None:
    page = browser.get("/login").text
    for name in ("subscriber_id", "password"):
        assert f'<label for="f-{name}">' in page
        assert f'name="{name}"' in page
    assert 'name="csrf_token"' in page


def test_subscriber_signs_in_and_gets_a_browser_session_cookie(
    browser: Browser, ctx: Context, org: Org
) -> None:
    member = add_member(ctx, org)
    response = browser.sign_in(member)
    assert response.status_code == 303 and response.location == "/"
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("ohp_idp="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Max-Age" not in cookie and "Expires" not in cookie
    assert member in browser.get("/").text


def test_missing_csrf_token_is_refused_with_a_page_naming_the_field(
    browser: Browser, ctx: Context, org: Org
) -> None:
    member = add_member(ctx, org)
    browser.get("/login")
    response = browser.raw_post("/login", {"subscriber_id": member, "password": PASSWORD})
    assert response.status_code == 400
    assert "csrf_token: is missing" in response.text
    assert browser.cookie("ohp_idp") is None


def test_forged_csrf_token_is_refused(browser: Browser) -> None:
    browser.get("/login")
    response = browser.raw_post("/login", {"csrf_token": "forged.token", "subscriber_id": "x"})
    assert response.status_code == 400
    assert "csrf_token: is not valid" in response.text


def test_csrf_token_of_another_browser_is_refused(app: object, browser: Browser) -> None:
    token = browser.csrf("/login")
    other = Browser(browser.app)
    other.get("/login")
    response = other.raw_post("/login", {"csrf_token": token, "subscriber_id": "x"})
    assert response.status_code == 400
    assert "csrf_token: belongs to another browser session" in response.text


def test_browser_refusing_cookies_gets_a_clear_page(browser: Browser) -> None:
    token = browser.csrf("/login")
    browser.client._cookies.clear()  # the browser dropped every cookie
    response = browser.raw_post("/login", {"csrf_token": token, "subscriber_id": "x"})
    assert response.status_code == 400
    assert "Cookies are required" in response.text
    assert "did not send back the cookie" in response.text


@pytest.mark.parametrize("who", ["unknown", "wrong_password"])
def test_failures_share_one_message_that_names_the_lockout(
    browser: Browser, ctx: Context, org: Org, who: str
) -> None:
    member = add_member(ctx, org)
    subscriber_id = "ohp99999999" if who == "unknown" else member
    response = browser.sign_in(subscriber_id, "not the password at all")
    assert response.status_code == 401
    assert GENERIC in response.text and "10 minutes" in response.text


def test_lockout_after_five_bad_passwords_shows_the_generic_message(
    browser: Browser, ctx: Context, org: Org, clock: FakeClock
) -> None:
    member = add_member(ctx, org)
    pages = [browser.sign_in(member, f"wrong password {n}").text for n in range(5)]
    locked = browser.sign_in(member)  # the right password, but locked
    assert locked.status_code == 401
    unknown = browser.sign_in("ohp00000001", PASSWORD)
    strip = re.compile(r'value="[^"]*"')
    assert strip.sub("", locked.text) == strip.sub("", unknown.text) == strip.sub("", pages[0])
    clock.advance(601)
    assert browser.sign_in(member).status_code == 303


def test_empty_fields_are_named(browser: Browser) -> None:
    response = browser.post("/login", {"subscriber_id": "", "password": ""})
    assert response.status_code == 400
    assert "Subscriber ID: is required" in response.text
    assert "Password: is required" in response.text
    assert 'aria-describedby="f-subscriber_id-error"' in response.text


def test_administrator_must_give_the_second_factor(
    browser: Browser, admin: Admin, clock: FakeClock
) -> None:
    response = browser.sign_in(admin.id)
    assert response.status_code == 303 and response.location.startswith("/login/totp")
    assert browser.cookie("ohp_idp") is None
    assert browser.get("/admin").status_code == 303
    wrong = browser.second_factor("000000")
    assert wrong.status_code == 400
    assert "Authenticator code or recovery code: the authenticator code is not correct" in (
        wrong.text
    )
    done = browser.second_factor(fresh_code(clock, admin.secret))
    assert done.status_code == 303 and browser.cookie("ohp_idp")
    assert browser.get("/admin").status_code == 200


def test_recovery_code_replaces_the_authenticator(
    browser: Browser, ctx: Context, admin: Admin, clock: FakeClock
) -> None:
    clock.advance(30)
    admins.begin_totp(ctx, admin.id, "t")
    with ctx.store.read() as tx:
        secret = str(tx.scalar("SELECT totp_secret FROM subscribers WHERE id = ?", (admin.id,)))
    codes = admins.confirm_totp(ctx, admin.id, fresh_code(clock, secret), "t")
    browser.sign_in(admin.id)
    assert browser.second_factor(codes[0]).status_code == 303
    assert browser.get("/admin").status_code == 200


def test_second_factor_page_without_a_password_step_goes_to_login(browser: Browser) -> None:
    assert browser.get("/login/totp").location == "/login"


def test_new_administrator_is_sent_to_authenticator_enrolment(
    browser: Browser, ctx: Context, admin: Admin, clock: FakeClock
) -> None:
    member = add_member(ctx, admin.org)
    actor = admins.step_up(ctx, admin.id, fresh_code(clock, admin.secret), "t")
    admins.promote(ctx, actor, member)
    response = browser.sign_in(member)
    assert response.location == "/admin/totp"
    assert browser.get("/admin").location == "/admin/totp"


def test_next_is_followed_and_unsafe_next_ignored(browser: Browser, ctx: Context, org: Org) -> None:
    member = add_member(ctx, org)
    assert browser.sign_in(member, next_url="/profile").location == "/profile"
    other = Browser(browser.app)
    assert other.sign_in(member, next_url="//evil.example/x").location == "/"


def test_next_to_authorize_continues_by_a_fresh_navigation(
    browser: Browser, ctx: Context, org: Org
) -> None:
    member = add_member(ctx, org)
    response = browser.sign_in(member, next_url="/authorize?client_id=x")
    assert response.status_code == 200
    assert 'http-equiv="refresh" content="0;url=/authorize?client_id=x"' in response.text


def test_sign_out_ends_the_session(browser: Browser, ctx: Context, org: Org) -> None:
    member = add_member(ctx, org)
    browser.sign_in(member)
    token = browser.cookie("ohp_idp")
    response = browser.post("/signout", {}, token_from="/signout")
    assert response.status_code == 200 and "close your browser" in response.text
    assert sessions.resume(ctx, token) is None
    assert browser.get("/profile").status_code == 303


def test_idle_session_expires_after_thirty_minutes(
    browser: Browser, ctx: Context, org: Org, clock: FakeClock
) -> None:
    member = add_member(ctx, org)
    browser.sign_in(member)
    clock.advance(29 * 60)
    assert browser.get("/profile").status_code == 200
    clock.advance(31 * 60)
    response = browser.get("/profile")
    assert response.status_code == 303 and response.location.startswith("/login")


def test_sites_drop_down_shows_the_chosen_help_desk(browser: Browser, ctx: Context) -> None:
    form = sites.SiteForm(
        "Plan portal", "https://plan.example", "1-800-555-0111", "hd@plan.example"
    )
    site = sites.add_site(ctx, Actor.support("t"), form).site
    page = browser.get("/login").text
    assert '<label for="f-site">' in page and "Plan portal" in page
    chosen = browser.get(f"/login?site={site.id}").text
    assert "1-800-555-0111" in chosen and "hd@plan.example" in chosen
    assert "1-800-555-0111" in browser.get("/sites").text
