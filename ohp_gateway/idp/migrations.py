"""Versioned schema. Each entry upgrades ``PRAGMA user_version`` by one; never edit a shipped
entry, append a new one."""

from __future__ import annotations

V1 = """
CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    agreement_version TEXT NOT NULL,
    signing_authority_attested_by TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE tax_ids (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    digits TEXT NOT NULL CHECK (length(digits) = 9),
    kind TEXT NOT NULL CHECK (kind IN ('ein', 'ssn')),
    personal_acknowledged INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    released_at REAL
);
CREATE UNIQUE INDEX tax_ids_registered ON tax_ids(digits) WHERE released_at IS NULL;
CREATE TABLE subscribers (
    id TEXT PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    work_phone TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('nominated', 'active', 'terminated')),
    is_admin INTEGER NOT NULL DEFAULT 0,
    staff_attested INTEGER NOT NULL DEFAULT 0,
    identity_status TEXT NOT NULL DEFAULT 'none'
        CHECK (identity_status IN ('none', 'verified', 'awaiting_notary')),
    ssn_last4_hash TEXT,
    password_hash TEXT,
    agreement_version TEXT,
    totp_secret TEXT,
    totp_confirmed INTEGER NOT NULL DEFAULT 0,
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until REAL NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    activated_at REAL,
    terminated_at REAL
);
CREATE UNIQUE INDEX subscribers_email ON subscribers(email_key) WHERE status != 'terminated';
CREATE INDEX subscribers_org ON subscribers(organization_id);
CREATE TABLE subscriber_roles (
    subscriber_id TEXT NOT NULL REFERENCES subscribers(id),
    role TEXT NOT NULL,
    PRIMARY KEY (subscriber_id, role)
);
CREATE TABLE affiliations (
    subscriber_id TEXT NOT NULL REFERENCES subscribers(id),
    tax_id_id INTEGER NOT NULL REFERENCES tax_ids(id),
    PRIMARY KEY (subscriber_id, tax_id_id)
);
CREATE TABLE one_time_codes (
    code_hash TEXT PRIMARY KEY,
    subscriber_id TEXT NOT NULL REFERENCES subscribers(id),
    purpose TEXT NOT NULL CHECK (purpose IN ('activation', 'reset')),
    expires_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    used_at REAL
);
CREATE INDEX one_time_codes_subscriber ON one_time_codes(subscriber_id, purpose);
CREATE TABLE recovery_codes (
    subscriber_id TEXT NOT NULL REFERENCES subscribers(id),
    code_hash TEXT NOT NULL,
    used_at REAL,
    PRIMARY KEY (subscriber_id, code_hash)
);
CREATE TABLE promotion_requests (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    candidates TEXT NOT NULL,
    contact TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at REAL NOT NULL
);
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    organization_id INTEGER REFERENCES organizations(id),
    contact TEXT NOT NULL,
    detail TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at REAL NOT NULL,
    closed_at REAL
);
CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    helpdesk_phone TEXT NOT NULL,
    helpdesk_email TEXT NOT NULL,
    roles TEXT NOT NULL,
    client_id TEXT UNIQUE,
    client_secret_hash TEXT,
    redirect_uris TEXT NOT NULL DEFAULT '[]',
    post_logout_redirect_uris TEXT NOT NULL DEFAULT '[]',
    backchannel_logout_uri TEXT,
    created_at REAL NOT NULL
);
CREATE TABLE logout_events (
    id INTEGER PRIMARY KEY,
    subscriber_id TEXT NOT NULL REFERENCES subscribers(id),
    reason TEXT NOT NULL,
    created_at REAL NOT NULL,
    delivered_at REAL
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    source TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
"""

# Sign-in sessions at the identity provider, and the sites each one visited (for
# back-channel logout). The browser holds an opaque token; only its digest is stored.
V2 = """
CREATE TABLE idp_sessions (
    sid TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    subscriber_id TEXT NOT NULL REFERENCES subscribers(id),
    auth_time REAL NOT NULL,
    last_seen REAL NOT NULL,
    second_factor_at REAL,
    source TEXT NOT NULL DEFAULT '',
    ended_at REAL,
    end_reason TEXT
);
CREATE INDEX idp_sessions_live ON idp_sessions(subscriber_id) WHERE ended_at IS NULL;
CREATE TABLE session_sites (
    sid TEXT NOT NULL REFERENCES idp_sessions(sid),
    client_id TEXT NOT NULL,
    first_at REAL NOT NULL,
    PRIMARY KEY (sid, client_id)
);
"""

# The OpenID Connect provider: signing keys (rotated; retired public keys stay published until
# the tokens they signed expire), authorization codes and access tokens (stored as digests),
# and the outbox of back-channel logout deliveries with their retry schedule.
V3 = """
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    alg TEXT NOT NULL,
    private_pem BLOB NOT NULL,
    encrypted INTEGER NOT NULL,
    public_jwk TEXT NOT NULL,
    created_at REAL NOT NULL,
    retired_at REAL,
    publish_until REAL
);
CREATE TABLE authorization_codes (
    code_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    nonce TEXT,
    scope TEXT NOT NULL,
    sid TEXT NOT NULL REFERENCES idp_sessions(sid),
    subscriber_id TEXT NOT NULL REFERENCES subscribers(id),
    auth_time REAL NOT NULL,
    expires_at REAL NOT NULL,
    used_at REAL
);
CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY,
    code_hash TEXT NOT NULL REFERENCES authorization_codes(code_hash),
    client_id TEXT NOT NULL,
    subscriber_id TEXT NOT NULL REFERENCES subscribers(id),
    sid TEXT NOT NULL,
    scope TEXT NOT NULL,
    issued_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    revoked_at REAL
);
CREATE INDEX access_tokens_code ON access_tokens(code_hash);
CREATE TABLE backchannel_deliveries (
    id INTEGER PRIMARY KEY,
    client_id TEXT NOT NULL,
    sid TEXT NOT NULL,
    subscriber_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error TEXT,
    created_at REAL NOT NULL,
    delivered_at REAL,
    abandoned_at REAL
);
CREATE INDEX backchannel_due ON backchannel_deliveries(next_attempt_at)
    WHERE delivered_at IS NULL AND abandoned_at IS NULL;
"""

# Consecutive wrong second-factor codes, counted apart from password failures: a correct
# password resets those, and must not give an attacker fresh guesses at the code.
V4 = """
ALTER TABLE subscribers ADD COLUMN second_factor_failures INTEGER NOT NULL DEFAULT 0;
"""

#: MIGRATIONS[n] upgrades a database at user_version n to n + 1.
MIGRATIONS: tuple[str, ...] = (V1, V2, V3, V4)
