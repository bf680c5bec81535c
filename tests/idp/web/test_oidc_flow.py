"""The pages and the OpenID Connect provider together, as a browser goes through them."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from urllib.parse import parse_qs, urlencode, urlsplit

from ohp_gateway.idp import create_app, sites
from ohp_gateway.idp.context import Actor, Context

from ..conftest import Org, add_member
from .conftest import SECRET, Browser

CALLBACK = "https://site.example/.ohp/callback"
REFRESH = re.compile(r'http-equiv="refresh" content="0;url=([^"]+)"')


def _authorize_url() -> str:
    verifier = "v" * 64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = {
        "response_type": "code",
        "client_id": "site-a",
        "redirect_uri": CALLBACK,
        "scope": "openid",
        "state": "st-1",
        "nonce": "n-1",
        "code_challenge": challenge.rstrip(b"=").decode(),
        "code_challenge_method": "S256",
    }
    return "/authorize?" + urlencode(query)


def test_authorize_sign_in_and_back_with_a_code(ctx: Context, org: Org) -> None:
    member = add_member(ctx, org)
    form = sites.SiteForm(
        "Site A",
        "https://site.example",
        "1-800-555-0123",
        "help@site.example",
        client_id="site-a",
        redirect_uris=[CALLBACK],
    )
    sites.add_site(ctx, Actor.support("t"), form)
    app = create_app(ctx, issuer="http://localhost", secure_cookies=False, secret_key=SECRET)
    browser = Browser(app)

    start = browser.get(_authorize_url())
    assert start.status_code == 302 and start.location.startswith("/login?next=")
    next_url = parse_qs(urlsplit(start.location).query)["next"][0]
    assert next_url.startswith("/authorize?")
    assert 'name="next" value="/authorize?' in browser.get(start.location).text

    signed_in = browser.sign_in(member, next_url=next_url)
    assert signed_in.status_code == 200  # a fresh navigation, so CSP form-action allows it
    refresh = REFRESH.search(signed_in.text)
    assert refresh is not None
    back = browser.get(html.unescape(refresh[1]))
    assert back.status_code == 302
    location = urlsplit(back.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    params = parse_qs(location.query)
    assert params["state"] == ["st-1"] and params["code"][0]


def test_discovery_is_served_with_the_security_headers(ctx: Context) -> None:
    app = create_app(ctx, issuer="http://localhost", secure_cookies=False, secret_key=SECRET)
    response = Browser(app).get("/.well-known/openid-configuration")
    assert response.status_code == 200 and response.json["issuer"] == "http://localhost"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
