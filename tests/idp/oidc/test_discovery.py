"""Discovery and the JWK Set."""

from __future__ import annotations

import json

from werkzeug.test import Client

from ohp_gateway.idp.oidc import OidcProvider

from .conftest import ISSUER, wsgi_app


def test_discovery_names_every_endpoint_and_only_the_code_flow(provider: OidcProvider) -> None:
    response = Client(wsgi_app(provider)).get("/.well-known/openid-configuration")
    doc = json.loads(response.data)
    assert response.status_code == 200 and doc["issuer"] == ISSUER
    for name, path in [
        ("authorization_endpoint", "/authorize"),
        ("token_endpoint", "/token"),
        ("userinfo_endpoint", "/userinfo"),
        ("jwks_uri", "/jwks"),
        ("end_session_endpoint", "/logout"),
    ]:
        assert doc[name] == ISSUER + path
    assert doc["response_types_supported"] == ["code"]
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert doc["backchannel_logout_session_supported"] is True


def test_jwks_publishes_one_rs256_2048_bit_key(provider: OidcProvider) -> None:
    response = Client(wsgi_app(provider)).get("/jwks")
    keys = json.loads(response.data)["keys"]
    assert response.status_code == 200 and len(keys) == 1
    (key,) = keys
    assert (key["kty"], key["alg"], key["use"]) == ("RSA", "RS256", "sig")
    assert "d" not in key and "p" not in key
    n = int.from_bytes(__import__("base64").urlsafe_b64decode(key["n"] + "=="), "big")
    assert n.bit_length() == 2048


def test_other_paths_are_left_to_the_web_app(provider: OidcProvider) -> None:
    assert Client(wsgi_app(provider)).get("/login").status_code == 404
