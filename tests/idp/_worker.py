"""A separate process acting on the IdP database (run as a script by the concurrency tests)."""

from __future__ import annotations

import sys
import time

from ohp_gateway.idp import nomination
from ohp_gateway.idp.config import TEST_ARGON2, IdpConfig
from ohp_gateway.idp.context import Actor, Context, open_context
from ohp_gateway.idp.errors import Conflict
from ohp_gateway.idp.mail import FolderOutbox


def main(db: str, mode: str, admin_id: str, start_at: float, tag: str) -> None:
    ctx = open_context(db, config=IdpConfig(argon2=TEST_ARGON2), outbox=FolderOutbox(db + ".mail"))
    actor = Actor("admin", admin_id, f"worker-{tag}", time.time())
    while time.time() < start_at:
        time.sleep(0.001)
    if mode == "same":
        _nominate(ctx, actor, "sally.smith@evergreen.example")
    elif mode == "many":
        for n in range(15):
            _nominate(ctx, actor, f"pat.{tag}.{n}@evergreen.example")
    elif mode == "loop":
        for n in range(10**9):
            _nominate(ctx, actor, f"pat.{tag}.{n}@evergreen.example")
    elif mode == "hang-in-tx":
        with ctx.store.write() as tx:
            tx.execute(
                "INSERT INTO organizations (name, address, agreement_version,"
                " signing_authority_attested_by, created_at)"
                " VALUES ('partial', 'a', 'v', 'p', 0)"
            )
            print("inside", flush=True)
            time.sleep(60)


def _nominate(ctx: Context, actor: Actor, email: str) -> None:
    try:
        done = nomination.nominate(
            ctx, actor, nomination.Nomination("Pat Smith", email, ["Claims"])
        )
        print("ok", done.subscriber_id, flush=True)
    except Conflict as error:
        print("conflict", error.field, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5])
