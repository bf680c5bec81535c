"""The pages every example site serves, framework-free so each example stays a few lines.

``/`` greets the subscriber and lists their Tax IDs and roles; ``/claims/`` is the billing
area (the gateway's rules, not this code, require the role ``Billing``); ``/public/`` needs
no sign-in. Each page also lists the identity headers the app received, which makes it plain
that only the gateway's own reach the app.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from ohp_gateway import Subscriber

# Rules for the example sites (TOML or OHP_GATEWAY_RULES as JSON say the same).
RULES = [
    {"path": "/public/", "public": True},
    {"path": "/claims/", "roles_any": ["Billing"]},
]


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{escape(title)}</title>"
        f"<h1>{escape(title)}</h1>{body}</html>"
    )


def _items(values: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(v)}</li>" for v in values) + "</ul>"


def identity_headers(headers: Iterable[tuple[str, str]], prefix: str = "x-ohp-") -> list[str]:
    """``Name: value`` lines for the identity headers among ``headers``."""
    return sorted(f"{k.title()}: {v}" for k, v in headers if k.lower().startswith(prefix))


def _received(headers: Iterable[tuple[str, str]]) -> str:
    return "<h2>Identity headers received</h2>" + _items(identity_headers(headers))


def home(subscriber: Subscriber | None, headers: Iterable[tuple[str, str]]) -> str:
    if subscriber is None:  # only on a public path; the gateway guards this one
        return _page("Hello", "<p>You are not signed in.</p>")
    body = (
        f"<p>Welcome, {escape(subscriber.name)} of {escape(subscriber.organization_name)}.</p>"
        f"<h2>Tax IDs</h2>{_items(subscriber.tax_ids)}"
        f"<h2>Roles</h2>{_items(subscriber.roles)}"
    )
    return _page(f"Hello, {subscriber.name}", body + _received(headers))


def claims(subscriber: Subscriber | None, headers: Iterable[tuple[str, str]]) -> str:
    name = subscriber.organization_name if subscriber else "nobody"
    return _page(f"Claims for {name}", "<p>Billing staff only.</p>" + _received(headers))


def public(subscriber: Subscriber | None, headers: Iterable[tuple[str, str]]) -> str:
    who = f"signed in as {subscriber.name}" if subscriber else "not signed in"
    return _page("About this site", f"<p>Anyone may read this; you are {escape(who)}.</p>"
                 + _received(headers))  # fmt: skip
