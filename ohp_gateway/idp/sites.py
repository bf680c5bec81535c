"""Participating sites: who they are, how to reach their help desk, which roles they use,
and (for the OpenID Connect layer) their client registration."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence

import attrs

from . import audit
from .access import require_support
from .context import Actor, Context
from .errors import Conflict, ValidationError
from .mailboxes import parse_email
from .store import Row
from .tokens import digest
from .vocabulary import check_roles


@attrs.frozen
class Site:
    id: int
    name: str
    url: str
    helpdesk_phone: str
    helpdesk_email: str
    roles: tuple[str, ...]
    client_id: str | None = None
    redirect_uris: tuple[str, ...] = ()
    post_logout_redirect_uris: tuple[str, ...] = ()
    backchannel_logout_uri: str | None = None


@attrs.frozen
class SiteForm:
    name: str
    url: str
    helpdesk_phone: str
    helpdesk_email: str
    roles: Sequence[str] = ()
    client_id: str | None = None
    redirect_uris: Sequence[str] = ()
    post_logout_redirect_uris: Sequence[str] = ()
    backchannel_logout_uri: str | None = None


@attrs.frozen
class AddedSite:
    site: Site
    client_secret: str | None = attrs.field(repr=False)  # shown once


def add_site(ctx: Context, actor: Actor, form: SiteForm) -> AddedSite:
    """Register a site; with a ``client_id`` a client secret is generated (stored hashed)."""
    require_support(actor)
    roles = _check(ctx, form)
    secret = secrets.token_urlsafe(32) if form.client_id else None
    with ctx.store.write() as tx:
        if tx.scalar(
            "SELECT 1 FROM sites WHERE name = ? OR client_id = ?",
            (form.name.strip(), form.client_id),
        ):
            raise Conflict("name", f"a site named {form.name!r} or that client_id exists")
        site_id = tx.execute(
            "INSERT INTO sites (name, url, helpdesk_phone, helpdesk_email, roles, client_id,"
            " client_secret_hash, redirect_uris, post_logout_redirect_uris,"
            " backchannel_logout_uri, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                form.name.strip(),
                form.url.strip(),
                form.helpdesk_phone.strip(),
                form.helpdesk_email.strip(),
                json.dumps(roles),
                form.client_id,
                digest(secret) if secret else None,
                json.dumps(list(form.redirect_uris)),
                json.dumps(list(form.post_logout_redirect_uris)),
                form.backchannel_logout_uri,
                ctx.now(),
            ),
        )
        audit.record(
            tx,
            ctx.now(),
            actor.label,
            "site.add",
            f"site:{site_id}",
            actor.source,
            name=form.name.strip(),
        )
    return AddedSite(list_sites(ctx, site_id)[0], secret)


def _check(ctx: Context, form: SiteForm) -> tuple[str, ...]:
    if not form.name.strip():
        raise ValidationError("name", "is required")
    for field, url in [("url", form.url), *(("redirect_uris", u) for u in form.redirect_uris)]:
        if not url.startswith(("https://", "http://")):
            raise ValidationError(field, f"{url!r} is not an http(s) URL")
    if not form.helpdesk_phone.strip():
        raise ValidationError("helpdesk_phone", "is required")
    parse_email(form.helpdesk_email, "helpdesk_email")
    return check_roles(ctx.config, form.roles)


def list_sites(ctx: Context, site_id: int | None = None) -> list[Site]:
    with ctx.store.read() as tx:
        if site_id is None:
            rows = tx.all("SELECT * FROM sites ORDER BY name")
        else:
            rows = tx.all("SELECT * FROM sites WHERE id = ?", (site_id,))
    return [_site(r) for r in rows]


def _site(r: Row) -> Site:
    return Site(
        r["id"],
        r["name"],
        r["url"],
        r["helpdesk_phone"],
        r["helpdesk_email"],
        tuple(json.loads(r["roles"])),
        r["client_id"],
        tuple(json.loads(r["redirect_uris"])),
        tuple(json.loads(r["post_logout_redirect_uris"])),
        r["backchannel_logout_uri"],
    )


def check_client_secret(ctx: Context, client_id: str, secret: str) -> Site | None:
    """The site whose client credentials these are, else None (for the token endpoint)."""
    with ctx.store.read() as tx:
        row = tx.one("SELECT * FROM sites WHERE client_id = ?", (client_id,))
    if row is None or not row["client_secret_hash"]:
        return None
    if not secrets.compare_digest(row["client_secret_hash"], digest(secret)):
        return None
    return _site(row)


def find_client(ctx: Context, client_id: str) -> Site | None:
    """The site registered with this OpenID Connect ``client_id``, else None."""
    with ctx.store.read() as tx:
        row = tx.one("SELECT * FROM sites WHERE client_id = ?", (client_id,))
    return None if row is None else _site(row)
