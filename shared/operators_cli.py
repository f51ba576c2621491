"""The command line of a service with operator accounts: ``python -m services.<svc>`` serves (as
before), and the subcommands manage operators against ``SKK_DATABASE_URL``, migrating it first:

    python -m services.siki create-operator --email a@b.id --name "Ani" --role registry --role audit
    python -m services.siki deactivate-operator --email a@b.id
    python -m services.siki set-operator-roles --email a@b.id --role deliveries

``create-operator`` reads the password from one line of stdin (``--password-stdin``) or asks for
it twice; it prints the operator's id, never the password. Each action is recorded in the
service's audit log as ``cli:<os user>``.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from shared.audit import AuditMixin, Auditor
from shared.database import create_engine, make_session_factory, run_migrations
from shared.exceptions import DomainError
from shared.logging import configure_logging
from shared.operator_accounts import OperatorCreated, Operators
from shared.operators import ADMIN, OperatorMixin, OperatorSettings, normalize_email, password_problem


@dataclass(frozen=True)
class OperatorCli:
    """What the command line needs of a service."""

    prog: str
    settings: Callable[[], OperatorSettings]
    serve: Callable[[], None]
    migrations: Path
    operator_model: type[OperatorMixin]
    audit_model: type[AuditMixin]
    roles: Collection[str]


def _parser(cli: OperatorCli) -> argparse.ArgumentParser:
    roles = sorted({*cli.roles, ADMIN})
    parser = argparse.ArgumentParser(prog=cli.prog, description="Run the service (default) or manage its operators.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="run the service (what no subcommand does)")
    create = sub.add_parser("create-operator", help="a new operator account; prints its id")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True, help="the person's full name")
    create.add_argument("--role", action="append", required=True, choices=roles, help="repeat for several")
    create.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    deactivate = sub.add_parser("deactivate-operator", help="refuse the operator's tokens from their next request")
    deactivate.add_argument("--email", required=True)
    set_roles = sub.add_parser("set-operator-roles", help="replace the operator's roles")
    set_roles.add_argument("--email", required=True)
    set_roles.add_argument("--role", action="append", required=True, choices=roles, help="repeat for several")
    return parser


def read_password(email: str, *, from_stdin: bool) -> str:
    """One line of stdin, or a prompt twice (never echoed); SystemExit if it breaks the rules."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            raise SystemExit("error: password: the two entries differ")
    problem = password_problem(password, email)
    if problem:
        raise SystemExit(f"error: password: {problem}")
    return password


def cli_actor() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        user = "unknown"
    return f"cli:{user}"


async def _run(cli: OperatorCli, args: argparse.Namespace, password: str | None) -> OperatorCreated:
    settings = cli.settings()
    engine = create_engine(settings.database_url, pool_size=2)
    try:
        await run_migrations(engine, cli.migrations)
        operators = Operators(service=settings.service_name, model=cli.operator_model,
                              sessions=make_session_factory(engine), auditor=Auditor(cli.audit_model), roles=cli.roles)
        actor = cli_actor()
        if args.command == "create-operator":
            assert password is not None
            return await operators.create(email=args.email, full_name=args.name, roles=args.role,
                                          password=password, actor=actor)
        if args.command == "deactivate-operator":
            return await operators.deactivate(args.email, actor=actor)
        return await operators.set_roles(args.email, args.role, actor=actor)
    finally:
        await engine.dispose()


def main(cli: OperatorCli, argv: Sequence[str] | None = None) -> None:
    args = _parser(cli).parse_args(argv)
    if args.command in (None, "serve"):
        cli.serve()
        return
    configure_logging("WARNING", json=False)  # stdout carries the answer only
    password = (read_password(normalize_email(args.email), from_stdin=args.password_stdin)
                if args.command == "create-operator" else None)
    try:
        done = asyncio.run(_run(cli, args, password))
    except DomainError as exc:
        fields = "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors) or exc.detail
        raise SystemExit(f"error: {fields}") from None
    if args.command == "create-operator":
        print(done.id)
    else:
        print(f"{done.id} {done.email} roles={','.join(done.roles)}"
              + (" deactivated" if args.command == "deactivate-operator" else ""))
