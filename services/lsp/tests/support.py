"""Helpers for the LSP's service tests: an app in-process, signed webhooks, a journey driver."""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event
from standardwebhooks import Webhook

from services.lsp.app import create_app
from services.lsp.settings import LspSettings
from services.lsp.usecases.context import LspContext
from shared.settings import DEV_PASSWORD
from shared.tests.waiting import wait_until

SIKI_URL = "http://siki.test"
# 3171011708850001: a valid NIK shape (Jakarta, born 17-08-1985, male).
NIK = "3171011708850001"


def settings_for(database_url: str, code: str = "LSP-A", **kw: Any) -> LspSettings:
    base: dict[str, Any] = {
        "lsp_code": code, "database_url": database_url, "siki_url": SIKI_URL, "log_json": False,
        # Never a real service: a developer may be running the chain on the default ports.
        "bnsp_url": "http://bnsp.test", "lpjk_url": "http://lpjk.test", "portal_url": "http://portal.test",
        "bus_retry_base_seconds": 0.02, "bus_retry_max_seconds": 0.1, "bus_max_attempts": 8,
        "http_retries": 0, "outbox_poll_seconds": 0.05,
        # The periodic tasks stay out of the way unless a test asks for them.
        "deadline_sweep_interval_seconds": 3600, "report_resend_interval_seconds": 3600,
    }
    base.update(kw)
    return LspSettings(**base)


def submission(application_id: str | None = None, *, code: str = "LSP-A", jabatan_kerja_code: str = "SI011002",
               jenjang: int = 7, kualifikasi: str = "Ahli", submission_no: int = 1, level: str = "S1",
               periods: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    periods = periods if periods is not None else [("2019-01-01", "2021-12-31"), ("2021-01-01", "2022-06-30")]
    return {
        "id": application_id or f"app-{uuid.uuid4().hex[:12]}",
        "submission_no": submission_no,
        "applicant": {"user_id": "u-1", "email": "budi@example.id", "full_name": "Budi Santoso"},
        "nik": NIK,
        "lsp_code": code,
        "klasifikasi_code": "SI",
        "subklasifikasi_code": "SI01",
        "kualifikasi": kualifikasi,
        "jabatan_kerja_code": jabatan_kerja_code,
        "jenjang": jenjang,
        "application_kind": "baru",
        "submitted_at": datetime.now(UTC).isoformat(),
        "sections": {
            "personal": {"nik": NIK, "full_name": "Budi Santoso", "email": "budi@example.id", "documents": {}},
            "education": {"items": [{"level": level, "institution": "ITB", "documents": {}}]},
            "experience": {"items": [
                # Ahli counts professional experience, the others work experience (SPEC section 3).
                {"experience_kind": "professional" if kualifikasi == "Ahli" else "work",
                 "project_name": f"Proyek {n}", "start_date": s, "end_date": e, "documents": {}}
                for n, (s, e) in enumerate(periods)
            ]},
            "qualification": {"lsp_code": code, "tuk_code": "TUK-A-01", "documents": {}},
        },
        "documents": [],
    }


ELIGIBILITY_PATH = r"^/api/v1/applications/[^/]+/eligibility$"


def eligible(request: httpx.Request) -> httpx.Response:
    """SIKI's check_application_eligibility saying yes (tests of a refusal mock it themselves)."""
    application_id = request.url.path.split("/")[-2]
    return httpx.Response(200, json={"application_id": application_id, "eligible": True, "reasons": []})


def signed(secret: str, body: dict[str, Any], *, webhook_id: str | None = None,
           timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body)
    wid = webhook_id or f"msg_{uuid.uuid4().hex}"
    ts = int(time.time()) if timestamp is None else timestamp
    sig = Webhook(secret).sign(wid, datetime.fromtimestamp(ts, UTC), raw)
    return raw.encode(), {"webhook-id": wid, "webhook-timestamp": str(ts), "webhook-signature": sig,
                          "content-type": "application/json"}


@dataclass
class Lsp:
    app: FastAPI
    settings: LspSettings
    client: httpx.AsyncClient
    tokens: dict[str, str] = field(default_factory=dict)
    next_day: int = 1

    async def login(self, username: str, password: str = DEV_PASSWORD) -> str:
        if username not in self.tokens:
            r = await self.client.post("/api/v1/auth/token", data={"username": username, "password": password})
            assert r.status_code == 200, r.text
            self.tokens[username] = r.json()["access_token"]
        return self.tokens[username]

    async def as_(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.login(username)}"}

    async def webhook(self, type_: str, data: dict[str, Any], **kw: Any) -> httpx.Response:
        body, headers = signed(self.settings.siki_webhook_secret.get_secret_value(),
                               {"type": type_, "timestamp": datetime.now(UTC).isoformat(), "data": data}, **kw)
        return await self.client.post("/api/v1/webhooks/siki", content=body, headers=headers)

    async def get(self, application_id: str, user: str = "admin") -> dict[str, Any]:
        r = await self.client.get(f"/api/v1/applications/{application_id}", headers=await self.as_(user))
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    async def post(self, application_id: str, path: str, body: dict[str, Any] | None, user: str) -> httpx.Response:
        return await self.client.post(f"/api/v1/applications/{application_id}/{path}", json=body,
                                      headers=await self.as_(user))

    async def wait_reports_sent(self, application_id: str, limit_seconds: float = 30.0) -> dict[str, Any]:
        view: dict[str, Any] = await wait_until(
            lambda: self.get(application_id), lambda v: bool(v["reports"]) and all(r["sent_at"] for r in v["reports"]),
            timeout=limit_seconds, what="the reports sent")
        return view


@asynccontextmanager
async def running(settings: LspSettings) -> AsyncIterator[Lsp]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://lsp.test") as client:
            yield Lsp(app, settings, client)


def tomorrow_at(hour: int = 9, days: int = 1) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).replace(hour=hour, minute=0, second=0,
                                                               microsecond=0).isoformat()


# --- a journey driver: moves a new application to the state a test needs -----------------


async def drive(lsp: Lsp, target: str, application_id: str | None = None) -> str:
    """Create an application and walk it to ``target`` through the API and webhooks."""
    sub = submission(application_id)
    aid: str = sub["id"]
    r = await lsp.webhook("application.submitted", sub)
    assert r.status_code == 200, r.text
    if target == "forwarded":
        return aid

    async def ok(resp: httpx.Response) -> None:
        assert resp.status_code == 200, resp.text

    if target == "returned":
        await ok(await lsp.post(aid, "verification", {"decision": "rejected", "reasons": ["KTP buram"]}, "admin"))
        return aid
    await ok(await lsp.post(aid, "verification", {"decision": "accepted"}, "admin"))
    if target == "invoiced":
        return aid
    doc = {"id": "doc-1", "kind": "payment_proof", "sha256": "0" * 64, "content_type": "application/pdf",
           "size": 10}
    r = await lsp.webhook("payment.proof_uploaded", {"application_id": aid, "proof_no": 1, "document": doc,
                                                     "uploaded_at": datetime.now(UTC).isoformat()})
    await ok(r)
    if target == "payment_uploaded":
        return aid
    if target in ("payment_rejected", "cancelled"):
        await ok(await lsp.post(aid, "payment-verification", {"decision": "invalid", "reasons": ["buram"]},
                                "admin"))
        if target == "cancelled":
            r = await lsp.client.post("/api/v1/deadline-sweep", json={"as_of": "2999-01-01"},
                                      headers=await lsp.as_("admin"))
            await ok(r)
        return aid
    await ok(await lsp.post(aid, "payment-verification", {"decision": "valid"}, "admin"))
    if target == "payment_verified":
        return aid
    await ok(await lsp.post(aid, "start-certification", None, "admin"))
    if target == "in_certification":
        return aid
    # A different day per application keeps the assessor free.
    day = lsp.next_day
    lsp.next_day += 1
    await ok(await lsp.post(aid, "schedule", {"assessor_username": "asesor1", "tuk_code": "TUK-A-01",
                                              "scheduled_at": tomorrow_at(days=day)}, "admin"))
    if target == "scheduled":
        return aid
    await ok(await lsp.post(aid, "assessment-report", {"recommendation": "BK", "notes": "kurang"}, "asesor1"))
    if target == "assessed":
        return aid
    if target == "competent":
        await ok(await lsp.post(aid, "decision", {"result": "kompeten"}, "komite"))
        return aid
    await ok(await lsp.post(aid, "decision", {"result": "belum_kompeten"}, "komite"))
    if target == "not_yet_competent":
        return aid
    await ok(await lsp.webhook("appeal.filed", {"application_id": aid, "reason": "Penilaian tidak adil sekali",
                                                "filed_at": datetime.now(UTC).isoformat()}))
    if target == "appealed":
        return aid
    decision = "upheld" if target == "appeal_upheld" else "rejected"
    # komite decided Belum Kompeten: another komite member decides the appeal.
    await ok(await lsp.post(aid, "appeal-decision", {"decision": decision}, "komite2"))
    assert target in ("appeal_upheld", "appeal_rejected"), target
    return aid


def round_trips(ctx: LspContext, monkeypatch: pytest.MonkeyPatch, counted: Callable[[str], bool]) -> Counter[str]:
    """From now on: the statements SQLAlchemy sends that ``counted`` keeps, by leading keyword,
    and every BEGIN / COMMIT / ROLLBACK asyncpg sends (``monkeypatch.undo()`` stops the latter)."""
    seen: Counter[str] = Counter()
    engine: Any = ctx.sessions.kw["bind"]

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _statement(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if counted(statement):
            seen[statement.split()[0].upper()] += 1

    for name in ("start", "commit", "rollback"):
        original = getattr(asyncpg.transaction.Transaction, name)

        async def counting(self: Any, *args: Any, __name: str = name, __original: Any = original) -> Any:
            seen[{"start": "BEGIN"}.get(__name, __name.upper())] += 1
            return await __original(self, *args)

        monkeypatch.setattr(asyncpg.transaction.Transaction, name, counting)
    return seen
