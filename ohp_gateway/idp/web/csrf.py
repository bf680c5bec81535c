"""CSRF tokens (itsdangerous): signed, timed, bound to this browser and its IdP session.

The binding is the browser cookie every page sets (``browser_id``) plus the session id when
signed in, so a token rendered before sign-in does not work after it, and a token taken from
another browser never works. Reasons name the field ``csrf_token`` and say what to do.
"""

from __future__ import annotations

import hashlib

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

FIELD = "csrf_token"
#: A form may stay open as long as a session may live (8 h absolute).
MAX_AGE = 8 * 3600


class Csrf:
    def __init__(self, secret: bytes) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="ohp-idp-csrf")

    def token(self, binding: str) -> str:
        return self._serializer.dumps(_fingerprint(binding))

    def problem(self, token: str | None, binding: str) -> str | None:
        """Why ``token`` is unacceptable for ``binding``, or None when it is good."""
        if not token:
            return "is missing; reload the page and submit the form again"
        try:
            bound = self._serializer.loads(token, max_age=MAX_AGE)
        except SignatureExpired:
            return "has expired; reload the page and submit the form again"
        except BadSignature:
            return "is not valid; reload the page and submit the form again"
        if bound != _fingerprint(binding):
            return "belongs to another browser session; reload the page and submit again"
        return None


def _fingerprint(binding: str) -> str:
    return hashlib.sha256(binding.encode()).hexdigest()[:32]
