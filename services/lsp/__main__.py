"""Run the lsp service as its own process: ``python -m services.lsp``; or give an LSP its first
manager (SPEC section 8, "Accounts"):

    python -m services.lsp create-manager --lsp LSP-A --email manajer@lsp-a.id --full-name "Ani Wijaya"

The manager account is made in the LSP's database (``SKK_DATABASE_URL``, or the LSP's default;
migrated first) with no password, and an activation link is emailed through ``SKK_SMTP_URL``
once the account is committed. Run again for a manager not activated yet (same username and
email), it emails a fresh link. Recorded in the LSP's audit log as ``cli:<os user>``; prints the
username, never the link.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence

from services.lsp.app import MIGRATIONS, create_app
from services.lsp.db.models import AuditEntry
from services.lsp.settings import LspSettings
from services.lsp.usecases.staff_admin import MailNotSent
from services.lsp.usecases.staff_admin import create_manager as create
from shared import serving
from shared.audit import Auditor
from shared.database import create_engine, make_session_factory, run_migrations
from shared.exceptions import DomainError
from shared.logging import configure_logging
from shared.operators_cli import cli_actor


def serve() -> None:
    settings = LspSettings()
    serving.run(create_app(settings), host=settings.host, port=settings.port,
                log_config=None, access_log=False, ws="none")  # no WebSockets: websockets unimported


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m services.lsp",
                                     description="Run one LSP (default) or give an LSP its first manager.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="run the service (what no subcommand does)")
    create = sub.add_parser("create-manager", help="a manager account; emails its activation link")
    create.add_argument("--lsp", help="the LSP's code (default: SKK_LSP_CODE, else LSP-A)")
    create.add_argument("--email", required=True)
    create.add_argument("--full-name", required=True, help="the person's full name")
    create.add_argument("--username", default="manajer", help="default: manajer")
    return parser


async def create_manager(settings: LspSettings, args: argparse.Namespace) -> tuple[str, bool]:
    engine = create_engine(settings.database_url, pool_size=2)
    try:
        await run_migrations(engine, MIGRATIONS)
        return await create(settings, make_session_factory(engine), Auditor(AuditEntry), username=args.username,
                            full_name=args.full_name, email=args.email, actor=cli_actor())
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if args.command in (None, "serve"):
        serve()
        return
    configure_logging("WARNING", json=False)  # stdout carries the answer only
    settings = LspSettings(lsp_code=args.lsp) if args.lsp else LspSettings()
    try:
        username, created = asyncio.run(create_manager(settings, args))
    except DomainError as exc:
        fields = "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors) or exc.detail
        raise SystemExit(f"error: {fields}") from None
    except MailNotSent as exc:
        raise SystemExit(f"error: the activation email could not be sent ({exc}); run the command again "
                         "to send a fresh link") from None
    print(f"{username} {settings.lsp_code} " + ("created; activation link emailed" if created
                                                 else "not activated yet; a fresh activation link emailed"))


if __name__ == "__main__":
    main()
