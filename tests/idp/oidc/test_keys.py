"""Signing keys: stored in the database, encrypted when a secret is configured, rotated with
old public keys published until the tokens they signed have expired."""

from __future__ import annotations

import json
from pathlib import Path

import jwt
import pytest

from ohp_gateway.clock import FakeClock
from ohp_gateway.idp import audit
from ohp_gateway.idp.context import Context
from ohp_gateway.idp.oidc import OidcProvider, rotate_signing_key
from ohp_gateway.idp.oidc.keys import CLOCK_SKEW, ID_TOKEN_TTL, KeyUnavailable, active_key
from ohp_gateway.idp.sessions import IdpSession

from .conftest import COOKIE, ISSUER, Registered, client, exchange, get_code


def jwks(provider: OidcProvider) -> list[dict[str, str]]:
    keys: list[dict[str, str]] = json.loads(client(provider).get("/jwks").data)["keys"]
    return keys


def id_token(provider: OidcProvider, session: IdpSession, site: Registered) -> str:
    code, verifier = get_code(provider, session, site)
    return str(json.loads(exchange(provider, site, code, verifier).data)["id_token"])


def verifies(provider: OidcProvider, token: str) -> bool:
    keyset = jwt.PyJWKSet.from_dict({"keys": jwks(provider)})
    kid = jwt.get_unverified_header(token)["kid"]
    for key in keyset.keys:
        if key.key_id == kid:
            jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience="portal",
                issuer=ISSUER,
                options={"verify_exp": False, "verify_iat": False},
            )
            return True
    return False


def test_key_survives_a_restart(ctx: Context) -> None:
    first = OidcProvider(ctx, ISSUER, session_cookie=COOKIE)
    kid = jwks(first)[0]["kid"]
    assert jwks(OidcProvider(ctx, ISSUER, session_cookie=COOKIE))[0]["kid"] == kid


def test_rotation_keeps_tokens_signed_with_the_old_key_verifiable(
    provider: OidcProvider, session: IdpSession, site: Registered, clock: FakeClock, ctx: Context
) -> None:
    old_token = id_token(provider, session, site)
    old_kid = jwks(provider)[0]["kid"]
    new_kid = provider.rotate_signing_key()
    assert [k["kid"] for k in jwks(provider)] == [new_kid, old_kid]  # signing key first
    new_token = id_token(provider, session, site)
    assert jwt.get_unverified_header(new_token)["kid"] == new_kid
    assert verifies(provider, old_token) and verifies(provider, new_token)
    clock.advance(ID_TOKEN_TTL + CLOCK_SKEW + 61)  # past the window and the cache
    assert [k["kid"] for k in jwks(provider)] == [new_kid]
    assert audit.entries(ctx.store, action="oidc.key.rotate")


def test_rotation_from_another_process_is_picked_up(
    provider: OidcProvider, clock: FakeClock, ctx: Context
) -> None:
    old_kid = jwks(provider)[0]["kid"]
    new_kid = rotate_signing_key(ctx)  # e.g. the CLI
    clock.advance(61)
    assert [k["kid"] for k in jwks(provider)] == [new_kid, old_kid]


def test_private_key_is_encrypted_at_rest_when_a_secret_is_configured(
    ctx: Context, tmp_path: Path
) -> None:
    provider = OidcProvider(ctx, ISSUER, session_cookie=COOKIE, signing_key_secret="s3cret-kek")
    provider.keys.signing_key()
    with ctx.store.read() as tx:
        row = tx.one("SELECT private_pem, encrypted FROM signing_keys")
    assert row is not None and row["encrypted"] == 1
    assert b"ENCRYPTED PRIVATE KEY" in bytes(row["private_pem"])
    with pytest.raises(KeyUnavailable, match="OHP_IDP_SIGNING_KEY_SECRET"):
        active_key(ctx, None)
    assert active_key(ctx, "s3cret-kek").kid == jwks(provider)[0]["kid"]


def test_without_a_secret_the_key_is_stored_as_plain_pem(
    provider: OidcProvider, ctx: Context
) -> None:
    provider.keys.signing_key()
    with ctx.store.read() as tx:
        row = tx.one("SELECT private_pem, encrypted FROM signing_keys")
    assert row is not None and row["encrypted"] == 0
    assert bytes(row["private_pem"]).startswith(b"-----BEGIN PRIVATE KEY-----")


def test_cli_rotates_the_signing_key(
    ctx: Context, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ohp_gateway.idp import cli

    db = str(tmp_path / "idp.sqlite3")
    before = active_key(ctx).kid
    assert cli.main(["--db", db, "--operator", "ops", "rotate-signing-key"]) == 0
    kid = json.loads(capsys.readouterr().out)["kid"]
    assert kid != before
    assert [e.actor for e in audit.entries(ctx.store, action="oidc.key.rotate")] == ["support:ops"]
