"""A NIK belongs to one portal account (issue 11, NIK squatting): another account's submission is
refused with nothing changed, the owner's go through; an operator rebinds after an identity
check (audited, NIK masked); the LSP re-checks an application it received."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import respx
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, column, insert, select, table, text

from services.siki.app import MIGRATIONS
from services.siki.db.models import Base, NikBinding, NikBindingAudit
from services.siki.settings import SikiSettings
from services.siki.tests.conftest import NIK, WEBHOOK_A, Harness, running
from services.siki.tests.test_ownership import JK, apply, held_ids, publish_recorded, refused_unchanged, submit_all
from shared.crypto import DataKeys, attach_data_keys
from shared.database import create_engine, run_migrations


async def rebind(h: Harness, account: str, headers: dict[str, str] | None = None,
                 **extra: Any) -> Any:
    return await h.client.post("/api/v1/nik-bindings", json={"nik": NIK, "account_id": account, **extra},
                               headers=headers or h.operator)


async def bindings(h: Harness) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    async with h.runtime.sessions() as s:
        bound = [(b.nik, b.account_id) for b in (await s.execute(select(NikBinding))).scalars()]
        audit = [{"nik_masked": a.nik_masked, "old": a.old_account_id, "new": a.new_account_id, "actor": a.actor,
                  "reason": a.reason} for a in (await s.execute(select(NikBindingAudit).order_by(NikBindingAudit.id)))
                 .scalars()]
    return bound, audit


async def test_another_account_cannot_use_a_bound_nik(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        await submit_all(h, [apply(JK[0], account="owner")])
        assert (await bindings(h))[0] == [(NIK, "owner")]

        # The squatter's two applications are refused, naming the NIK, and change nothing.
        for jk in JK[1:3]:
            problem = await refused_unchanged(h, apply(jk, account="squatter"), status=409)
            assert problem["field"] == "nik" and "bound to another portal account" in problem["detail"]
            assert "rebind" in problem["detail"]
        assert (await bindings(h))[0] == [(NIK, "owner")]
        # The owner's own applications go through, up to the limit of five.
        await submit_all(h, [apply(jk, account="owner") for jk in JK[1:5]])
        assert len((await held_ids(h))[1]) == 5


async def test_operator_rebinds_after_an_identity_check(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        # The squatter came first and holds the NIK with two applications.
        await submit_all(h, [apply(jk, account="squatter") for jk in JK[:2]])
        await refused_unchanged(h, apply(JK[2], account="owner"), status=409)

        # Only an operator or the portal rebinds; bad input names the field and changes nothing.
        assert (await rebind(h, "owner", headers=h.lsp_a)).status_code == 403
        bad = await h.client.post("/api/v1/nik-bindings", json={"nik": "12", "account_id": "owner"},
                                  headers=h.operator)
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "nik"
        assert (await bindings(h)) == ([(NIK, "squatter")], [])

        r = await rebind(h, "owner", requested_by="operator-budi", reason="KTP checked at the counter")
        assert r.status_code == 200, r.text
        assert r.json() == {"nik_masked": "317101********01", "account_id": "owner"}
        again = await rebind(h, "owner", headers=h.portal)  # the portal's operator path; nothing to change
        assert again.status_code == 200 and again.json() == r.json()
        bound, audit = await bindings(h)
        assert bound == [(NIK, "owner")]
        assert audit == [{"nik_masked": "317101********01", "old": "squatter", "new": "owner",
                          "actor": "operator:siki:operator@siki.dev:operator-budi",
                          "reason": "KTP checked at the counter"}]
        assert NIK not in str(audit)

        # From now on the squatter is refused; the owner's applications go through, and the
        # squatter's two do not count against the owner's five.
        problem = await refused_unchanged(h, apply(JK[2], account="squatter"), status=409)
        assert problem["field"] == "nik"
        await submit_all(h, [apply(jk, account="owner") for jk in JK[:5]])


async def test_the_lsp_rechecks_an_application_it_received(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        body = apply("SI012022", account="owner")
        await submit_all(h, [body])
        url = f"/api/v1/applications/{body['id']}/eligibility"

        r = await h.client.get(url, headers=h.lsp_a)
        assert r.status_code == 200 and r.json() == {"application_id": body["id"], "eligible": True, "reasons": []}
        # Only the LSP it was submitted to asks; an unknown application is 404.
        assert (await h.client.get(url, headers=h.lsp_b)).status_code == 403
        assert (await h.client.get(url, headers=h.portal)).status_code == 403
        assert (await h.client.get("/api/v1/applications/nope/eligibility", headers=h.lsp_a)).status_code == 404

        # Recomputed now: an SKK for the same jabatan kerja recorded since, and the NIK rebound.
        await publish_recorded(h, "elsewhere", "SI012022")
        await rebind(h, "someone-else")
        r = await h.client.get(url, headers=h.lsp_a)
        answer = r.json()
        assert r.status_code == 200 and answer["eligible"] is False, answer
        assert answer["reasons"][0].startswith("nik: this NIK is bound to another portal account")
        assert any(x.startswith("qualification.jabatan_kerja_code:") and "perpanjangan" in x
                   for x in answer["reasons"])


async def test_the_migration_binds_each_nik_to_its_earliest_account(tmp_path: Path) -> None:
    """Existing applications: each NIK bound to the account of its earliest application; the
    models and the migrations agree."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/m.db")
    # The keys SIKI attaches to its engine: the later revision (0006) encrypts the NIKs it bound.
    attach_data_keys(engine, DataKeys.from_settings(SikiSettings()))
    # The table as revision 0002 made it (the model's columns now encrypt and index).
    legacy = table("applications", *(column(c.name) for c in Base.metadata.tables["applications"].columns
                                     if c.name != "nik_index"))
    try:
        await run_migrations(engine, MIGRATIONS, revision="0002")
        t0 = datetime(2026, 1, 1, tzinfo=UTC)
        rows = [("a1", NIK, "late", t0 + timedelta(days=1)), ("a2", NIK, "first", t0),
                ("a3", "3171011708900002", "other", t0)]
        async with engine.begin() as conn:
            for app_id, nik, account, at in rows:
                await conn.execute(insert(legacy).values(
                    id=app_id, nik=nik, lsp_code="LSP-A", applicant_user_id=account, applicant_email="x@example.id",
                    klasifikasi_code="SI", subklasifikasi_code="SI01", kualifikasi="Teknisi/Analis",
                    jabatan_kerja_code="SI012022", jenjang=4, status="submitted", submission_no=1, last_seq=1,
                    submission="{}", last_proof_no=0, created_at=at, updated_at=at))
        await run_migrations(engine, MIGRATIONS)
        async with engine.connect() as conn:
            bound = (await conn.execute(select(NikBinding.nik, NikBinding.account_id))).all()
            assert sorted(tuple(r) for r in bound) == [(NIK, "first"), ("3171011708900002", "other")]
            stored = (await conn.execute(text("SELECT nik, nik_index FROM nik_bindings"))).all()
            assert NIK not in repr(stored)  # encrypted, and keyed by the blind index (issue 12)

            def diff(sync_conn: Connection) -> list[object]:
                ctx = MigrationContext.configure(sync_conn, opts={"compare_type": True})
                return list(compare_metadata(ctx, Base.metadata))

            assert await conn.run_sync(diff) == []
    finally:
        await engine.dispose()
