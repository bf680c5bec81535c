"""``/authorize``: the authorization code flow only (OpenID Connect Core 1.0 3.1.2).

Order of checks matters (RFC 6749 4.1.2.1): until the client and its exact redirect URI are
known good, errors are shown on a page and never redirected (an open redirector otherwise).
After that, errors go back to the site as ``error=`` with ``state`` and ``iss`` (RFC 9207).

Re-authentication (``prompt=login``, ``max_age``): the browser is sent to the sign-in page
with a ``next`` URL that no longer asks for it but carries ``ohp_reauth=<time>``: a session
that started after that time is fresh enough, so the flow cannot loop.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from urllib.parse import urlencode

import attrs
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from .. import sessions
from ..context import Context
from ..sessions import IdpSession
from ..sites import Site, find_client
from .claims import scope_of
from .codes import CodeGrant, issue_code
from .replies import error_page, redirect_with

__all__ = ["authorize"]

LoginUrl = Callable[[str], str]
REAUTH = "ohp_reauth"
_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")  # base64url of a SHA-256 digest, no padding
_SINGLE = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "prompt",
    "max_age",
    REAUTH,
)
_SECONDS = re.compile(r"\d{1,12}(\.\d{1,3})?")
_PROMPTS = frozenset({"none", "login", "consent", "select_account"})


class _Refused(Exception):
    """An error to send back to the (verified) redirect URI."""

    def __init__(self, error: str, description: str) -> None:
        self.error = error
        self.description = description
        super().__init__(description)


@attrs.frozen
class _Params:
    client: Site
    redirect_uri: str
    state: str | None
    values: MultiDict[str, str]


def authorize(
    ctx: Context, issuer: str, request: Request, session: IdpSession | None, login_url: LoginUrl
) -> Response:
    values = request.form if request.method == "POST" else request.args
    checked = _client_and_redirect(ctx, values)
    if isinstance(checked, Response):
        return checked
    try:
        return _authorize(ctx, issuer, request, checked, session, login_url)
    except _Refused as refused:
        params = {"error": refused.error, "error_description": refused.description}
        return redirect_with(
            checked.redirect_uri, {**params, "state": checked.state, "iss": issuer}
        )


def _client_and_redirect(ctx: Context, values: MultiDict[str, str]) -> _Params | Response:
    if len(values.getlist("client_id")) != 1 or len(values.getlist("redirect_uri")) > 1:
        return error_page("client_id and redirect_uri must each be given once.")
    client = find_client(ctx, values["client_id"])
    if client is None:
        return error_page("The site that sent you here is not registered with this provider.")
    redirect_uri = values.get("redirect_uri", "")
    if redirect_uri not in client.redirect_uris:
        return error_page(
            f"The site {client.name!r} asked to return to an address it has not registered; "
            "sign-in stopped here to protect you. Contact the site's help desk."
        )
    return _Params(client, redirect_uri, values.get("state"), values)


def _authorize(
    ctx: Context,
    issuer: str,
    request: Request,
    params: _Params,
    session: IdpSession | None,
    login_url: LoginUrl,
) -> Response:
    values = params.values
    _check_request(values)
    prompts = _prompts(values)
    not_before = _not_before(values, prompts, ctx.now())
    if session is None or session.auth_time < not_before:
        if "none" in prompts:
            raise _Refused("login_required", "the subscriber must sign in")
        forcing = session is not None or not_before > -math.inf
        return _to_login(request, values, ctx.now() if forcing else None, login_url)
    sessions.record_visit(ctx, session.sid, params.client.client_id or "")
    code = issue_code(ctx, _grant(params, session), request.remote_addr or "")
    return redirect_with(params.redirect_uri, {"code": code, "state": params.state, "iss": issuer})


def _check_request(values: MultiDict[str, str]) -> None:
    for name in _SINGLE:
        if len(values.getlist(name)) > 1:
            raise _Refused("invalid_request", f"{name} is given more than once")
    if "request" in values:
        raise _Refused("request_not_supported", "request objects are not supported")
    if "request_uri" in values:
        raise _Refused("request_uri_not_supported", "request_uri is not supported")
    if values.get("response_type") != "code":
        raise _Refused("unsupported_response_type", "only response_type=code is supported")
    if values.get("response_mode", "query") != "query":
        raise _Refused("invalid_request", "only response_mode=query is supported")
    if "openid" not in values.get("scope", "").split():
        raise _Refused("invalid_scope", "scope must include openid")
    _check_pkce(values)


def _check_pkce(values: MultiDict[str, str]) -> None:
    if "code_challenge" not in values:
        raise _Refused("invalid_request", "PKCE is required: send code_challenge (S256)")
    if values.get("code_challenge_method") != "S256":
        raise _Refused("invalid_request", "code_challenge_method must be S256 (plain is refused)")
    if not _CHALLENGE.fullmatch(values["code_challenge"]):
        raise _Refused("invalid_request", "code_challenge is not a base64url SHA-256 digest")


def _prompts(values: MultiDict[str, str]) -> set[str]:
    prompts = set(values.get("prompt", "").split())
    if not prompts <= _PROMPTS:
        raise _Refused("invalid_request", f"prompt values supported: {', '.join(sorted(_PROMPTS))}")
    if "none" in prompts and len(prompts) > 1:
        raise _Refused("invalid_request", "prompt=none cannot be combined with other values")
    return prompts


def _not_before(values: MultiDict[str, str], prompts: set[str], now: float) -> float:
    """The earliest ``auth_time`` acceptable for this request."""
    if REAUTH in values:  # strictly after the moment re-authentication was asked for
        return _number(values[REAUTH], REAUTH) + 0.001
    if prompts & {"login", "select_account"}:
        return math.inf
    if "max_age" in values:
        return now - _number(values["max_age"], "max_age")
    return -math.inf


def _number(value: str, name: str) -> float:
    if not _SECONDS.fullmatch(value):
        raise _Refused("invalid_request", f"{name} must be a non-negative number of seconds")
    return float(value)


def _to_login(
    request: Request, values: MultiDict[str, str], reauth_at: float | None, login_url: LoginUrl
) -> Response:
    dropped = {"prompt", "max_age", REAUTH} if reauth_at is not None else set()
    query = [(k, v) for k, v in values.items(multi=True) if k not in dropped]
    if reauth_at is not None:
        query.append((REAUTH, f"{reauth_at:.3f}"))
    next_url = f"{request.script_root}{request.path}?{urlencode(query)}"
    return Response(
        status=302, headers={"Location": login_url(next_url), "Cache-Control": "no-store"}
    )


def _grant(params: _Params, session: IdpSession) -> CodeGrant:
    values = params.values
    return CodeGrant(
        client_id=params.client.client_id or "",
        redirect_uri=params.redirect_uri,
        code_challenge=values["code_challenge"],
        nonce=values.get("nonce"),
        scope=scope_of(values.get("scope", "")),
        sid=session.sid,
        subscriber_id=session.subscriber_id,
        auth_time=session.auth_time,
    )
