"""Response headers every page of the identity provider carries.

No inline script or style anywhere, so the policy can be strict: ``default-src 'self'``.
``frame-ancestors 'none'`` and ``X-Frame-Options: DENY`` (for older browsers) stop
click-jacking of the sign-in form; ``Referrer-Policy: same-origin`` keeps reset tokens in the
URL from leaking to other sites; ``Cache-Control: no-store`` keeps one-time codes and account
pages out of shared and back-button caches (OWASP Session Management cheat sheet).
"""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'"
)
#: One year, the HSTS preload list's minimum (hstspreload.org).
HSTS = "max-age=31536000; includeSubDomains"

_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


def add_security_headers(request: Request, response: Response) -> Response:
    """Add the headers unless the response chose its own value (the OIDC endpoints may)."""
    for name, value in _HEADERS:
        response.headers.setdefault(name, value)
    if request.scheme == "https":
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response
