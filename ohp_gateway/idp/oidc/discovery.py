"""The discovery document (OpenID Connect Discovery 1.0, section 3)."""

from __future__ import annotations

from typing import Any

from .keys import ALG

__all__ = ["CLAIMS", "SCOPES", "discovery_document"]

SCOPES = ("openid", "profile", "email")
CLAIMS = (
    "sub",
    "name",
    "email",
    "ohp_org_id",
    "ohp_org_name",
    "ohp_tax_ids",
    "ohp_roles",
    "sid",
    "auth_time",
    "iss",
    "aud",
    "exp",
    "iat",
    "nonce",
    "azp",
)


def discovery_document(issuer: str) -> dict[str, Any]:
    base = issuer.rstrip("/")
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "userinfo_endpoint": f"{base}/userinfo",
        "jwks_uri": f"{base}/jwks",
        "end_session_endpoint": f"{base}/logout",
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [ALG],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": list(CLAIMS),
        "prompt_values_supported": ["none", "login"],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "authorization_response_iss_parameter_supported": True,
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        "frontchannel_logout_supported": False,
    }
