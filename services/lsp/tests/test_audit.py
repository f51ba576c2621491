"""The LSP's audit log (issue 12): staff actions recorded in the action's own transaction, every
view of an application's personal data recorded, account events, the query endpoint for the
LSP's manager or admin, and an altered entry found by the chain check."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from services.lsp.db.models import AuditEntry
from services.lsp.tests.support import NIK, Lsp, drive, round_trips, running, settings_for
from services.lsp.usecases.context import LspContext
from shared.settings import DEV_PASSWORD

pytestmark = pytest.mark.usefixtures("siki")

EVENTS = "/api/v1/audit-events"


@pytest.fixture
async def lsp(sqlite_url: str) -> AsyncIterator[Lsp]:
    async with running(settings_for(sqlite_url)) as instance:
        yield instance


async def events(lsp: Lsp, **filters: Any) -> list[dict[str, Any]]:
    r = await lsp.client.get(EVENTS, params={"limit": 200, **filters}, headers=await lsp.as_("admin"))
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = r.json()
    return found


async def entry_count(lsp: Lsp) -> int:
    ctx: LspContext = lsp.app.state.lsp
    async with ctx.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(AuditEntry))).scalar_one())


async def test_a_verification_and_a_view_are_recorded_and_an_altered_entry_is_found(lsp: Lsp) -> None:
    aid = await drive(lsp, "invoiced")  # accepted by the admin
    verified = await events(lsp, application_id=aid, action="application.verified")
    assert len(verified) == 1
    entry = verified[0]
    assert entry["actor"] == "staff:LSP-A:admin"
    assert entry["client"] == "127.0.0.1"  # httpx's in-process transport
    assert entry["target_type"] == "application" and entry["target_id"] == aid
    assert entry["detail"] == {"decision": "accepted", "status": "invoiced"}

    assert await events(lsp, application_id=aid, action="application.viewed") == []
    view = await lsp.get(aid, user="komite")
    assert view["nik"] == NIK
    viewed = await events(lsp, application_id=aid, action="application.viewed")
    assert [(e["actor"], e["application_id"]) for e in viewed] == [("staff:LSP-A:komite", aid)]

    # Who logged in is recorded too; and no entry carries the applicant's NIK.
    assert any(e["actor"] == "staff:LSP-A:admin" for e in await events(lsp, action="account.login"))
    assert NIK not in json.dumps(await events(lsp))

    check = await lsp.client.get(f"{EVENTS}/verification", headers=await lsp.as_("admin"))
    assert check.status_code == 200 and check.json()["ok"] is True
    assert check.json()["checked"] == await entry_count(lsp)

    # Someone with database access rewrites history: the chain check names the entry.
    ctx: LspContext = lsp.app.state.lsp
    async with ctx.sessions() as session, session.begin():
        await session.execute(update(AuditEntry).where(AuditEntry.id == entry["id"])
                              .values(detail={"decision": "rejected", "status": "returned"}))
    check = await lsp.client.get(f"{EVENTS}/verification", headers=await lsp.as_("admin"))
    assert check.status_code == 200
    assert check.json()["ok"] is False
    assert check.json()["first_invalid_id"] == entry["id"]


async def test_every_staff_action_is_recorded_and_a_refused_one_is_not(lsp: Lsp) -> None:
    aid = await drive(lsp, "appeal_rejected")
    recorded = [(e["action"], e["actor"]) for e in reversed(await events(lsp, application_id=aid))
                if e["action"] != "application.viewed"]
    assert recorded == [
        ("application.verified", "staff:LSP-A:admin"),
        ("payment.verified", "staff:LSP-A:admin"),
        ("certification.started", "staff:LSP-A:admin"),
        ("assessment.scheduled", "staff:LSP-A:admin"),
        ("assessment.reported", "staff:LSP-A:asesor1"),
        ("competence.decided", "staff:LSP-A:komite"),
        ("appeal.decided", "staff:LSP-A:komite2"),  # not the komite who decided competence
    ]
    reported = (await events(lsp, application_id=aid, action="assessment.reported"))[0]
    assert reported["detail"] == {"round": 1, "recommendation": "BK"}  # not the free-text notes

    # A refused action changes nothing, its audit entry included.
    other = await drive(lsp, "forwarded")
    before = await entry_count(lsp)
    r = await lsp.post(other, "decision", {"result": "kompeten"}, "komite")
    assert r.status_code == 409
    assert await entry_count(lsp) == before


async def test_account_events_are_recorded_without_what_was_typed(lsp: Lsp) -> None:
    transport = httpx.ASGITransport(app=lsp.app, client=("192.0.2.44", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://lsp.test") as client:
        assert (await client.post("/api/v1/auth/token", data={"username": "admin", "password": "salah-1"})
                ).status_code == 401
        assert (await client.post("/api/v1/auth/token", data={"username": "Rahasia-Sandi-9", "password": "x"})
                ).status_code == 401
        r = await client.post("/api/v1/auth/token", data={"username": "asesor1", "password": DEV_PASSWORD})
        token = r.json()["access_token"]
        assert (await client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
                ).status_code == 204
    failed = [e for e in await events(lsp, action="account.login_failed") if e["client"] == "192.0.2.44"]
    assert [(e["actor"], e["target_id"], e["detail"]["reason"]) for e in reversed(failed)] == [
        ("public", "admin", "wrong_password"), ("public", None, "unknown_username")]
    everything = json.dumps(await events(lsp))
    # A "username" that is no account may be a password typed in the wrong field.
    assert "Rahasia-Sandi-9" not in everything and "salah-1" not in everything
    logout = await events(lsp, action="account.logout")
    assert [(e["actor"], e["client"]) for e in logout] == [("staff:LSP-A:asesor1", "192.0.2.44")]


async def test_only_the_lsps_admin_reads_its_audit_log(lsp: Lsp) -> None:
    assert (await lsp.client.get(EVENTS)).status_code == 401
    for user in ("asesor1", "komite"):
        r = await lsp.client.get(EVENTS, headers=await lsp.as_(user))
        assert r.status_code == 403
        r = await lsp.client.get(f"{EVENTS}/verification", headers=await lsp.as_(user))
        assert r.status_code == 403
    # The admin's search is itself on the record.
    await events(lsp, action="application.verified")
    searched = await events(lsp, action="audit.searched")
    assert searched and searched[0]["actor"] == "staff:LSP-A:admin"
    r = await lsp.client.get(EVENTS, params={"limit": 201}, headers=await lsp.as_("admin"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "limit"
    spec = (await lsp.client.get("/openapi.json")).json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {"list_audit_events", "verify_audit_log", "staff_logout"} <= ids


@pytest.mark.postgres
async def test_a_view_on_postgres_is_a_read_and_its_record_without_a_transaction(
        pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A staff view reads the application and records the view: two statements on PostgreSQL,
    neither in a transaction (the read needs none; the record is one statement, atomic by
    itself), and the view is on record once it is answered."""
    async with running(settings_for(pg_url)) as lsp:
        aid = await drive(lsp, "forwarded")
        headers = await lsp.as_("admin")
        # The application's and the audit log's statements (not the relay's or the sender's).
        seen = round_trips(lsp.app.state.lsp, monkeypatch,
                           lambda statement: "audit_log" in statement or "FROM applications" in statement)
        try:
            r = await lsp.client.get(f"/api/v1/applications/{aid}", headers=headers)
        finally:
            monkeypatch.undo()
        assert r.status_code == 200, r.text
        assert Counter(seen) == Counter({"SELECT": 1, "WITH": 1}), seen  # the read; the append; no BEGIN
        viewed = await events(lsp, application_id=aid, action="application.viewed")
        assert len(viewed) == 1 and viewed[0]["actor"] == "staff:LSP-A:admin"
