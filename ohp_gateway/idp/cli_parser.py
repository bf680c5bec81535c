"""The argument parser of ``ohp-gateway idp``: one sub-parser per command, each documented."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def build_parser(default_db: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ohp-gateway idp",
        description="Administer the reference identity provider's community.",
    )
    parser.add_argument("--db", help=f"SQLite file (env OHP_IDP_DB, default {default_db})")
    parser.add_argument(
        "--operator",
        default=os.environ.get("USER", "support"),
        help="support operator name recorded in the audit log",
    )
    parser.add_argument(
        "--as",
        dest="as_admin",
        metavar="SUBSCRIBER_ID",
        help="act as this administrator (needs --totp)",
    )
    parser.add_argument("--totp", help="the administrator's current authenticator code")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (
        _init,
        _register,
        _nominate,
        _activate,
        _roles,
        _affiliate,
        _promote,
        _by_id,
        _tickets,
        _release,
        _sites,
        _audit,
        _serve,
        _rotate_signing_key,
    ):
        add(commands)
    return parser


def _init(commands: Commands) -> None:
    p = commands.add_parser("init", help="create or upgrade the database")
    p.add_argument("--demo", action="store_true", help="also seed the demo community (JSON)")


def _register(commands: Commands) -> None:
    p = commands.add_parser("register-org", help="register an organization and its first admin")
    p.add_argument("--name", required=True)
    p.add_argument("--address", required=True)
    p.add_argument("--tax-id", action="append", help="EIN NN-NNNNNNN (repeatable)")
    p.add_argument(
        "--acknowledge-personal-tax-id",
        action="store_true",
        help="accept the risk of registering a personal SSN",
    )
    p.add_argument(
        "--signing-authority",
        action="store_true",
        help="attest signing authority for the organization",
    )
    p.add_argument(
        "--accept-agreement", metavar="VERSION", help="accept this Organization Agreement version"
    )
    p.add_argument("--admin-name", required=True)
    p.add_argument("--admin-email", required=True)
    p.add_argument("--admin-phone", required=True)
    p.add_argument(
        "--staff-attested", action="store_true", help="the administrator is staff, not a contractor"
    )
    p.add_argument("--ssn-last4", help="last four SSN digits (prompted when omitted)")


def _nominate(commands: Commands) -> None:
    p = commands.add_parser("nominate", help="nominate a subscriber (administrator, --as)")
    p.add_argument("--name", required=True)
    p.add_argument("--email", required=True, help="unique professional e-mail")
    p.add_argument("--role", action="append", help="role from the vocabulary (repeatable)")
    p.add_argument("--tax-id", action="append", help="affiliate with this Tax ID (repeatable)")
    p.add_argument("--phone", default="", help="work phone")


def _activate(commands: Commands) -> None:
    p = commands.add_parser("activate", help="activate with Subscriber ID + activation code")
    p.add_argument("subscriber_id")
    p.add_argument("--code", required=True, help="one-time activation code")
    p.add_argument("--password", help="new password (prompted when omitted)")
    p.add_argument(
        "--accept-agreement", action="store_true", help="accept the Subscriber Agreement"
    )


def _roles(commands: Commands) -> None:
    p = commands.add_parser("set-roles", help="replace, add or remove a subscriber's roles")
    p.add_argument("subscriber_id")
    p.add_argument("--role", action="append", help="role name (repeatable)")
    p.add_argument("--mode", choices=("set", "add", "remove"), default="set")


def _affiliate(commands: Commands) -> None:
    p = commands.add_parser("affiliate", help="affiliate a subscriber with org Tax IDs")
    p.add_argument("subscriber_id")
    p.add_argument("--tax-id", action="append", required=True)
    p.add_argument("--remove", action="store_true", help="un-affiliate instead")


def _promote(commands: Commands) -> None:
    p = commands.add_parser(
        "promote", help="make a subscriber an administrator (admin, or support on a request)"
    )
    p.add_argument("subscriber_id")
    for flag in ("--org-name", "--org-address", "--work-phone", "--work-email"):
        p.add_argument(flag, help="support request field (all four required together)")


def _by_id(commands: Commands) -> None:
    p = commands.add_parser("terminate", help="end a subscriber's access at every site")
    p.add_argument("subscriber_id")
    p.add_argument("--reason", default="terminated by administrator")
    commands.add_parser("reset-password", help="mail a reset link (admin or support)").add_argument(
        "subscriber_id"
    )
    commands.add_parser("unlock", help="lift a sign-in lockout").add_argument("subscriber_id")
    p = commands.add_parser("notary", help="support: record a notary identity verification")
    p.add_argument("subscriber_id")
    p.add_argument("--reference", required=True, help="notary form reference")


def _tickets(commands: Commands) -> None:
    p = commands.add_parser("tickets", help="list open support tickets and promotion requests")
    p.add_argument("--close", type=int, metavar="ID", help="close this ticket")
    p.add_argument("--note", help="closing note")


def _release(commands: Commands) -> None:
    p = commands.add_parser("release-tax-id", help="support: free a Tax ID for re-registration")
    p.add_argument("tax_id")
    p.add_argument("--reason", required=True)


def _sites(commands: Commands) -> None:
    p = commands.add_parser("sites", help="participating sites: list or add")
    sub = p.add_subparsers(dest="sites_command", required=True)
    sub.add_parser("list", help="list the participating sites")
    add = sub.add_parser("add", help="register a participating site")
    for flag in ("--name", "--url", "--helpdesk-phone", "--helpdesk-email"):
        add.add_argument(flag, required=True)
    add.add_argument("--role", action="append", help="role the site uses (repeatable)")
    add.add_argument("--client-id", help="OpenID Connect client_id (a secret is generated)")
    add.add_argument("--redirect-uri", action="append")
    add.add_argument("--post-logout-uri", action="append")
    add.add_argument("--backchannel-logout-uri")


def _audit(commands: Commands) -> None:
    p = commands.add_parser("audit", help="show audit log entries, newest first")
    p.add_argument("--target")
    p.add_argument("--action")
    p.add_argument("--limit", type=int, default=50)


def _serve(commands: Commands) -> None:
    p = commands.add_parser("serve", help="run the web pages (and OpenID Connect) under gunicorn")
    p.add_argument("--listen", default="127.0.0.1:8000", metavar="HOST:PORT")
    p.add_argument("--issuer", metavar="URL", help="serve OpenID Connect with this issuer URL")
    p.add_argument(
        "--insecure-cookies",
        action="store_true",
        help="plain cookie names without Secure (local http only, never in production)",
    )
    p.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    p.add_argument(
        "--support-operator",
        action="append",
        default=[],
        metavar="SUBSCRIBER_ID",
        help="Subscriber ID of a support desk operator, an administrator (repeatable)",
    )


def _rotate_signing_key(commands: Commands) -> None:
    commands.add_parser(
        "rotate-signing-key",
        help="sign ID tokens with a new key; old public keys stay published until tokens expire",
    )
