"""The password reset e-mail: a ready link when the IdP knows its public URL."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import attrs

from ohp_gateway.idp import resets
from ohp_gateway.idp.context import Context
from ohp_gateway.idp.mail import FolderOutbox

from .conftest import PASSWORD, Org, add_member


def _last_body(outbox: FolderOutbox) -> str:
    return outbox.messages()[-1].body


def test_reset_mail_carries_a_link_to_the_reset_page_when_public_url_is_set(
    ctx: Context, org: Org, outbox: FolderOutbox
) -> None:
    member = add_member(ctx, org)
    linked = attrs.evolve(ctx, config=attrs.evolve(ctx.config, public_url="https://idp.example/"))
    resets.request_reset(linked, member, "test")
    body = _last_body(outbox)
    link = next(word for word in body.split() if word.startswith("https://"))
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://idp.example/reset"
    token = parse_qs(parts.query)["token"][0]
    assert f"usable once): {token}" in body
    assert resets.complete_reset(linked, token, "a brand new " + PASSWORD, "test") == member


def test_reset_mail_has_only_the_token_without_public_url(
    ctx: Context, org: Org, outbox: FolderOutbox
) -> None:
    member = add_member(ctx, org)
    resets.request_reset(ctx, member, "test")
    body = _last_body(outbox)
    assert "reset token" in body and "/reset?token=" not in body
