"""The prestart step: bring service databases to their Alembic heads, then exit.

    python -m scripts.migrate                      # every instance's embedded SQLite database (make migrate)
    python -m scripts.migrate --service siki       # one instance, at SKK_DATABASE_URL (else var/siki.db)
    python -m scripts.migrate --url-template 'postgresql+asyncpg://postgres@db:5432/skk_{instance}'
                                                   # every instance, each at its own database

Instances are ``portal``, ``siki``, ``lsp_a``, ``lsp_b``, ``bnsp``, ``lpjk`` (the package names
``bnsp_mock``, ``lpjk_mock`` are accepted too; ``lsp`` needs a URL). ``--service`` may be
repeated. The environment gives the same: ``SKK_MIGRATE_SERVICE`` (comma-separated; ``SERVICE``
is still read) and ``SKK_MIGRATE_URL_TEMPLATE``. Each database is migrated under the
cross-process lock of :func:`shared.database.run_migrations`, so this step may run while a
service with ``SKK_MIGRATE_ON_STARTUP`` on starts against the same database.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import services
from shared.database import create_engine, database_revisions, run_migrations, script_heads
from shared.logging import configure_logging

# instance -> the service package whose migrations it runs
SERVICES = {
    "portal": "portal", "siki": "siki", "lsp_a": "lsp", "lsp_b": "lsp", "bnsp": "bnsp_mock", "lpjk": "lpjk_mock",
}
ALIASES = {"bnsp_mock": "bnsp", "lpjk_mock": "lpjk"}


def migrations_folder(package: str) -> Path:
    return Path(services.__file__).resolve().parent / package / "db" / "migrations"


def resolve(name: str) -> tuple[str, str]:
    """``(instance, package)`` for an instance or package name (``lsp`` alone: instance ``lsp``)."""
    key = name.lower().replace("-", "_")  # LSP-A is lsp_a
    if key == "lsp":
        return "lsp", "lsp"
    instance = ALIASES.get(key, key)
    if instance not in SERVICES:
        raise SystemExit(f"unknown service {name!r}: one of {', '.join([*SERVICES, *ALIASES, 'lsp'])}")
    return instance, SERVICES[instance]


async def migrate(url: str, package: str) -> tuple[set[str], set[str]]:
    """Upgrade one database; returns its revisions before and after."""
    engine = create_engine(url, pool_size=2)
    try:
        before = await run_migrations(engine, migrations_folder(package))  # as found under the lock
        return before, await database_revisions(engine)
    finally:
        await engine.dispose()


def _url_for(instance: str, *, template: str | None, single: bool, var: Path) -> str:
    if template:
        return template.format(instance=instance)
    if single and os.environ.get("SKK_DATABASE_URL"):
        return os.environ["SKK_DATABASE_URL"]
    if instance == "lsp":
        raise SystemExit("--service lsp needs SKK_DATABASE_URL or --url-template; or name lsp_a / lsp_b")
    return f"sqlite+aiosqlite:///{var}/{instance}.db"


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m scripts.migrate",
                                description="Bring service databases to their Alembic heads, then exit.")
    p.add_argument("--service", action="append", default=[], metavar="NAME",
                   help="instance to migrate (repeatable; default: every instance)")
    p.add_argument("--url-template", default=os.environ.get("SKK_MIGRATE_URL_TEMPLATE") or None,
                   help="database URL with {instance} in it (default: SKK_DATABASE_URL for one service, "
                        "else the embedded SQLite file under SKK_VAR_DIR or var/)")
    args = p.parse_args(argv)
    if not args.service:
        env = os.environ.get("SKK_MIGRATE_SERVICE") or os.environ.get("SERVICE") or ""
        args.service = [s.strip() for s in env.split(",") if s.strip()]
    return args


async def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    # Alembic's steps and the lock's "waiting" line go to stderr, readable unless SKK_LOG_JSON=true.
    configure_logging(os.environ.get("SKK_LOG_LEVEL", "INFO"), os.environ.get("SKK_LOG_JSON", "").lower() == "true")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    names = args.service or list(SERVICES)
    var = Path(os.environ.get("SKK_VAR_DIR", "var"))
    single = len(args.service) == 1
    for name in names:
        instance, package = resolve(name)
        url = _url_for(instance, template=args.url_template, single=single, var=var)
        before, after = await migrate(url, package)
        heads = script_heads(migrations_folder(package))
        if after != heads:  # run_migrations raises on failure; this guards the assumption
            raise SystemExit(f"{instance}: at {sorted(after)} after migrating, heads are {sorted(heads)}")
        state = "already at heads" if before == after else f"{','.join(sorted(before)) or 'empty'} -> heads"
        print(f"migrated {instance} ({_redact(url)}): {state} {','.join(sorted(after))}", flush=True)


if __name__ == "__main__":
    try:
        asyncio.run(main(sys.argv[1:]))
    except KeyboardInterrupt:
        raise SystemExit(130) from None
