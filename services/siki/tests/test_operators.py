"""Issue 12: SIKI's operators are people. One is created from the command line, logs in and
works within their roles; deactivating them from the command line refuses their token on the
next request; every NIK lookup is in the audit log, whose hash chain shows any altered entry."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import pytest
import respx
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import DeclarativeBase

from services.siki.tests.conftest import NIK, WEBHOOK_A, running, submission
from shared.database import NAMING_CONVENTION, create_engine, run_migrations
from shared.operators import OperatorMixin
from shared.tests.operators import create_operator_session

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "kata-sandi-operator-2026"


async def cli(database_url: str, *args: str, stdin: str = "", service: str = "siki") -> tuple[int, str, str]:
    """``python -m services.<service> <args>`` in its own process, against ``database_url``."""
    env = {**os.environ, "SKK_DATABASE_URL": database_url}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", f"services.{service}", *args, cwd=ROOT, env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate(stdin.encode())
    return int(proc.returncode or 0), out.decode(), err.decode()


async def test_an_operator_created_on_the_command_line_works_within_their_roles(
        sqlite_url: str, make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    code, out, err = await cli(sqlite_url, "create-operator", "--email", "Ani@Registry.example.id", "--name",
                               "Ani Wijaya", "--role", "registry", "--role", "audit", "--password-stdin",
                               stdin=PASSWORD + "\n")
    assert code == 0, err
    operator_id = out.strip()
    assert len(operator_id) == 36 and PASSWORD not in out + err
    # A weak password or a taken email: refused, naming the field, nothing created.
    code, _, err = await cli(sqlite_url, "create-operator", "--email", "b@x.id", "--name", "B", "--role", "audit",
                             "--password-stdin", stdin="short\n")
    assert code != 0 and "password: at least 12 characters" in err
    code, _, err = await cli(sqlite_url, "create-operator", "--email", "ani@registry.example.id", "--name", "Ani",
                             "--role", "audit", "--password-stdin", stdin=PASSWORD + "\n")
    assert code != 0 and "email: an operator with this email exists" in err

    async with running(make_settings(operator_recheck_seconds=0)) as h:
        ani = await create_operator_session(h.client, "siki", email="ani@registry.example.id", password=PASSWORD)
        me = (await h.client.get("/api/v1/operator/me", headers=ani)).json()
        assert me["id"] == operator_id and me["roles"] == ["audit", "registry"]
        lsp = {"code": "LSP-X", "name": "LSP X", "jabatan_kerja_codes": ["SI012022"],
               "webhook_url": "http://127.0.0.1:8022/hooks"}
        assert (await h.client.post("/api/v1/lsps", json=lsp, headers=ani)).status_code == 201
        # Without the role deliveries: 403 naming it; nor a NIK lookup (role register).
        denied = await h.client.get("/api/v1/webhook-deliveries", headers=ani)
        assert denied.status_code == 403 and denied.json()["required_role"] == ["deliveries"]
        assert (await h.client.post("/api/v1/skk/query", json={"nik": NIK}, headers=ani)).status_code == 403
        assert (await h.client.get("/api/v1/webhook-deliveries", headers=h.operator)).status_code == 200  # admin

        registered = (await h.client.get("/api/v1/audit-events", params={"action": "lsp.registered"},
                                         headers=ani)).json()
        assert [(e["actor"], e["target_id"]) for e in registered] == [
            ("operator:siki:ani@registry.example.id", "LSP-X")]

        # Deactivated from the command line (another process): the token is refused on its next request.
        code, out, err = await cli(sqlite_url, "deactivate-operator", "--email", "ani@registry.example.id")
        assert code == 0 and operator_id in out, err
        refused = await h.client.get("/api/v1/lsps", headers=ani)
        assert refused.status_code == 401 and refused.json()["field"] == "authorization"
        again = await h.client.post("/api/v1/operator/session",
                                    json={"email": "ani@registry.example.id", "password": PASSWORD})
        assert again.status_code == 401
        actions = (await h.client.get("/api/v1/audit-events", params={"target_id": operator_id},
                                      headers=h.operator)).json()
        assert [(e["action"], e["actor"].split(":")[0]) for e in reversed(actions)] == [
            ("operator.created", "cli"), ("operator.login", "operator"), ("operator.deactivated", "cli"),
            ("operator.login_failed", "public")]


async def test_nik_lookups_are_audited_and_an_altered_entry_is_detected(make_settings: Any,
                                                                        lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        assert (await h.submit(submission())).status_code == 202
        looked_up = await h.client.post("/api/v1/skk/query", json={"nik": NIK}, headers=h.operator)
        assert looked_up.status_code == 200
        assert (await h.client.post("/api/v1/skk/query", json={"nik": NIK}, headers=h.portal)).status_code == 200

        events = await h.client.get("/api/v1/audit-events", params={"action": "register.nik_lookup"},
                                    headers=h.operator)
        assert events.status_code == 200
        lookups = events.json()
        assert [(e["actor"], e["target_type"], e["target_id"], e["client"]) for e in lookups] == [
            ("service:portal", "nik", "317101********01", "127.0.0.1"),
            ("operator:siki:operator@siki.dev", "nik", "317101********01", "127.0.0.1")]
        assert NIK not in events.text
        # Reading the log is itself recorded.
        assert (await h.client.get("/api/v1/audit-events", params={"action": "audit.searched"},
                                   headers=h.operator)).json()

        check = (await h.client.get("/api/v1/audit-events/verification", headers=h.operator)).json()
        assert check["ok"] is True and check["first_invalid_id"] is None
        # Someone with database access hides the operator's lookup.
        async with h.runtime.engine.begin() as conn:
            await conn.execute(text("UPDATE audit_log SET actor = 'service:portal' WHERE id = :id"),
                               {"id": lookups[1]["id"]})
        check = (await h.client.get("/api/v1/audit-events/verification", headers=h.operator)).json()
        assert check == {"ok": False, "checked": lookups[1]["id"] - 1, "first_invalid_id": lookups[1]["id"]}


@pytest.mark.parametrize("service", ["siki", "portal", "lpjk_mock", "bnsp_mock"])
async def test_the_operators_revision_matches_the_model(service: str, tmp_path: Path) -> None:
    class Base(DeclarativeBase):
        metadata = MetaData(naming_convention=NAMING_CONVENTION)

    class Operator(OperatorMixin, Base):
        pass

    def only_operators(name: str | None, type_: str, parents: dict[str, str | None]) -> bool:
        if type_ == "schema":
            return True
        return (name if type_ == "table" else parents.get("table_name")) == "operators"

    def diff(conn: Connection) -> list[object]:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": only_operators})
        return list(compare_metadata(ctx, Base.metadata))

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/m.db")
    try:
        await run_migrations(engine, ROOT / "services" / service / "db" / "migrations")
        async with engine.connect() as conn:
            assert await conn.run_sync(diff) == []
    finally:
        await engine.dispose()


@pytest.mark.parametrize(("service", "role", "other_services_role"), [
    ("lpjk_mock", "records", "registry"), ("portal", "bindings", "records"), ("bnsp_mock", "audit", "bindings")])
async def test_every_operator_service_has_the_command_line(service: str, role: str, other_services_role: str,
                                                           tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/{service}.db"
    code, _, err = await cli(url, "create-operator", "--email", "x@example.id", "--name", "X", "--role",
                             other_services_role, "--password-stdin", stdin=PASSWORD + "\n", service=service)
    assert code == 2 and "invalid choice" in err  # each service knows its own roles only
    code, out, err = await cli(url, "create-operator", "--email", "x@example.id", "--name", "X", "--role", role,
                               "--password-stdin", stdin=PASSWORD + "\n", service=service)
    assert code == 0 and len(out.strip()) == 36, err
