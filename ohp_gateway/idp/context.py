"""What every service needs: store, clock, policy, mail, hasher, identity verifier; and the
actor on whose behalf it acts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import attrs

from ..clock import Clock, SystemClock
from .config import IdpConfig
from .identity import IdentityVerifier, StaticVerifier
from .mail import FolderOutbox, Outbox
from .passwords import PasswordHasher
from .store import SqliteStore, Store

ActorKind = Literal["admin", "support", "subscriber", "system"]


@attrs.frozen
class Actor:
    """Who acts, from where. An ``admin`` actor exists only after a second factor
    (:func:`ohp_gateway.idp.admins.step_up`), which sets ``second_factor_at``."""

    kind: ActorKind
    id: str
    source: str = ""
    second_factor_at: float | None = None

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.id}"

    @classmethod
    def support(cls, operator: str, source: str = "console") -> Actor:
        return cls("support", operator, source)

    @classmethod
    def system(cls, source: str = "") -> Actor:
        return cls("system", "idp", source)

    @classmethod
    def subscriber(cls, subscriber_id: str, source: str) -> Actor:
        return cls("subscriber", subscriber_id, source)


@attrs.frozen
class Context:
    store: Store
    clock: Clock = attrs.field(factory=SystemClock)
    config: IdpConfig = attrs.field(factory=IdpConfig)
    outbox: Outbox = attrs.field(factory=lambda: FolderOutbox("var/mail"))
    verifier: IdentityVerifier = attrs.field(factory=StaticVerifier)
    hasher: PasswordHasher = attrs.field(
        default=attrs.Factory(lambda self: PasswordHasher(self.config.argon2), takes_self=True)
    )

    def now(self) -> float:
        return self.clock.now()


def open_context(
    db_path: str | Path,
    *,
    config: IdpConfig | None = None,
    clock: Clock | None = None,
    outbox: Outbox | None = None,
    verifier: IdentityVerifier | None = None,
) -> Context:
    """Open (and migrate) the SQLite store; mail goes next to it unless an outbox is given."""
    path = Path(db_path)
    return Context(
        store=SqliteStore(path),
        clock=clock or SystemClock(),
        config=config or IdpConfig(secret_key=os.environ.get("OHP_IDP_SECRET_KEY") or None),
        outbox=outbox or FolderOutbox(path.parent / "mail"),
        verifier=verifier or StaticVerifier(False),
    )
