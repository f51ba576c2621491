"""Status reports reach SIKI in order through the outbox; the deadline sweep; production mode."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
import respx
from pydantic import SecretStr, ValidationError

from services.lsp.db.models import Staff
from services.lsp.settings import LspSettings
from services.lsp.tests.support import drive, running, settings_for
from services.lsp.usecases.staff import hash_password
from shared.bus.envelope import utcnow
from shared.servicekeys import new_private_key_pem
from shared.tests.datakeys import production_data_keys
from shared.tests.waiting import wait_until


def statuses(route: respx.Route) -> list[tuple[str, int]]:
    return [(json.loads(c.request.content)["status"], c.response.status_code) for c in route.calls]


async def test_reports_reach_siki_in_order_despite_failures(sqlite_url: str, siki: respx.Route) -> None:
    siki.side_effect = [
        httpx.Response(503), httpx.Response(500), httpx.Response(502),
        httpx.Response(200), httpx.Response(500), httpx.Response(200),
    ]
    async with running(settings_for(sqlite_url)) as lsp:
        aid = await drive(lsp, "forwarded")
        r = await lsp.post(aid, "verification", {"decision": "accepted"}, "admin")
        assert r.status_code == 200
        # The step answered at once; the reports are sent behind it.
        view = await lsp.wait_reports_sent(aid)
    assert statuses(siki) == [("accepted", 503), ("accepted", 500), ("accepted", 502), ("accepted", 200),
                              ("invoiced", 500), ("invoiced", 200)]
    calls = [json.loads(c.request.content) for c in siki.calls]
    # Each retry is the same report (same id), so SIKI takes it once.
    assert len({c["report_id"] for c in calls[:4]}) == 1 and calls[0]["report_id"] != calls[-1]["report_id"]
    assert calls[-1]["invoice"]["number"] == view["invoice"]["number"]
    assert all(str(c.request.url).endswith(f"/api/v1/applications/{aid}/status") for c in siki.calls)
    assert all(c.request.headers["authorization"] == "Bearer " + lsp.settings.siki_api_key.get_secret_value()
               for c in siki.calls)
    assert [x["attempts"] for x in view["reports"]] == [4, 2]


async def test_reports_survive_a_restart(sqlite_url: str, siki: respx.Route) -> None:
    siki.return_value = httpx.Response(503)
    # The periodic resend is an hour away (settings_for): only its pass at start can send them.
    settings = settings_for(sqlite_url, bus_max_attempts=2)
    async with running(settings) as lsp:
        aid = await drive(lsp, "forwarded")
        r = await lsp.post(aid, "verification", {"decision": "rejected", "reasons": ["x"]}, "admin")
        assert r.status_code == 200
        for _ in range(100):
            if len(siki.calls) >= 2:
                break
            await asyncio.sleep(0.02)
        assert (await lsp.get(aid))["reports"][0]["sent_at"] is None  # retries ran out; still staged
    siki.return_value = httpx.Response(200)
    async with running(settings) as lsp:
        view = await lsp.wait_reports_sent(aid, limit_seconds=10)
        assert [x["status"] for x in view["reports"]] == ["returned"]
    assert statuses(siki)[-1] == ("returned", 200)


async def test_deadline_sweep_with_as_of(sqlite_url: str, siki: respx.Route) -> None:
    async with running(settings_for(sqlite_url)) as lsp:
        invoiced = await drive(lsp, "invoiced")
        rejected = await drive(lsp, "payment_rejected")
        paid = await drive(lsp, "payment_uploaded")
        due = date.fromisoformat((await lsp.get(invoiced))["invoice"]["due_date"])
        admin = await lsp.as_("admin")
        r = await lsp.client.post("/api/v1/deadline-sweep", json={"as_of": due.isoformat()}, headers=admin)
        assert r.status_code == 200 and r.json()["cancelled"] == []  # the due date itself is still in time
        r = await lsp.client.post("/api/v1/deadline-sweep", json={"as_of": (due + timedelta(days=1)).isoformat()},
                                  headers=admin)
        assert r.status_code == 200
        assert sorted(r.json()["cancelled"]) == sorted([invoiced, rejected])
        for aid in (invoiced, rejected):
            view = await lsp.wait_reports_sent(aid)
            assert view["status"] == "cancelled" and view["reports"][-1]["status"] == "cancelled"
            assert view["timeline"][-1]["actor"] == "LSP-A/system"
        assert (await lsp.get(paid))["status"] == "payment_uploaded"
        # Running it again cancels nothing more.
        r = await lsp.client.post("/api/v1/deadline-sweep", json={"as_of": "2999-01-01"}, headers=admin)
        assert r.json()["cancelled"] == []
        # Without as_of it sweeps "today": nothing is overdue yet.
        r = await lsp.client.post("/api/v1/deadline-sweep", headers=admin)
        assert r.status_code == 200 and r.json()["cancelled"] == []


async def test_periodic_sweep_runs(sqlite_url: str, siki: respx.Route) -> None:
    async with running(settings_for(sqlite_url)) as lsp:
        aid = await drive(lsp, "invoiced")
    # Move the due date into the past directly in the database, then let the loop find it.
    from sqlalchemy import update

    from services.lsp.db.models import Invoice
    from shared.database import create_engine, make_session_factory

    engine = create_engine(sqlite_url)
    async with make_session_factory(engine)() as s, s.begin():
        await s.execute(update(Invoice).where(Invoice.application_id == aid).values(due_date=date(2020, 1, 1)))
    await engine.dispose()
    async with running(settings_for(sqlite_url, deadline_sweep_interval_seconds=0.05)) as lsp:
        await wait_until(lambda: lsp.get(aid), lambda v: v["status"] == "cancelled", what="the sweep's cancellation")


PROD: dict[str, Any] = {
    "mode": "production", "service_signing_key_pem": SecretStr(new_private_key_pem()),
    "siki_webhook_secret": SecretStr("whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk="),
    # Issue 11: a 25-byte "a-real-api-key-0123456789" was accepted before; SIKI's keys are longer.
    "siki_api_key": SecretStr("skk_Q2hvb3NlLWEtcmVhbC1rZXktZnJvbS1TSUtJLTAxMjM0"),
    "jwt_secret": SecretStr("a-real-jwt-secret-0123456789-abcdefghij"),
    **production_data_keys(),
}


def test_production_refuses_default_secrets() -> None:
    with pytest.raises(ValidationError, match="SKK_JWT_SECRET"):
        LspSettings(**{**PROD, "jwt_secret": SecretStr("")})
    with pytest.raises(ValidationError, match="SKK_JWT_SECRET"):
        LspSettings(**{k: v for k, v in PROD.items() if k != "jwt_secret"})
    with pytest.raises(ValidationError, match="SKK_SIKI_API_KEY"):
        LspSettings(**{k: v for k, v in PROD.items() if k != "siki_api_key"})
    with pytest.raises(ValidationError, match="SKK_JWT_SECRET"):
        LspSettings(**{**PROD, "jwt_secret": SecretStr("short-but-not-default")})
    assert LspSettings(**PROD).jwt_secret.get_secret_value() == "a-real-jwt-secret-0123456789-abcdefghij"
    # Dev defaults differ per LSP, so one LSP's tokens never open another.
    assert LspSettings(lsp_code="LSP-A").jwt_secret != LspSettings(lsp_code="LSP-B").jwt_secret


async def test_as_of_refused_in_production(sqlite_url: str, siki: respx.Route,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # The issuance steps have production requirements of their own (a signing certificate).
    monkeypatch.setattr("services.lsp.app.register_issuance", lambda *_, **__: None)
    async with running(settings_for(sqlite_url, **PROD)) as lsp:
        # No dev staff in production: an administrator account is made by hand.
        async with lsp.app.state.lsp.sessions() as s, s.begin():
            assert await s.get(Staff, "admin") is None
            s.add(Staff(username="boss", password_hash=await hash_password("Str0ng-Passw0rd!"), roles=["admin"],
                        active=True, created_at=utcnow()))
        headers = {"Authorization": f"Bearer {await lsp.login('boss', 'Str0ng-Passw0rd!')}"}
        r = await lsp.client.post("/api/v1/deadline-sweep", json={"as_of": "2999-01-01"}, headers=headers)
        assert r.status_code == 422 and r.json()["field"] == "as_of"
        r = await lsp.client.post("/api/v1/deadline-sweep", json={}, headers=headers)
        assert r.status_code == 200


async def test_kompeten_requests_issuance_in_the_same_transaction(sqlite_url: str, siki: respx.Route) -> None:
    from sqlalchemy import select

    from services.lsp.db.models import OutboxEvent

    async with running(settings_for(sqlite_url)) as lsp:
        competent = await drive(lsp, "competent")
        not_yet = await drive(lsp, "not_yet_competent")
        async with lsp.app.state.lsp.sessions() as s:
            rows = (await s.execute(select(OutboxEvent).where(OutboxEvent.type == "lsp.LSP-A.issuance_requested")))
            events: list[Any] = list(rows.scalars().all())
            from services.lsp.usecases.steps import Workflow

            facts = await Workflow(lsp.app.state.lsp).issuance_facts(s, competent)
        assert [e.payload for e in events] == [{"lsp_code": "LSP-A", "application_id": competent}]
        assert not_yet not in [e.application_id for e in events]
        assert facts.lsp_code == "LSP-A" and facts.status == "competent" and facts.jenjang == 7
        assert facts.full_name == "Budi Santoso" and facts.decided_at is not None


async def test_record_step_for_issuance(sqlite_url: str, siki: respx.Route) -> None:
    from services.lsp.app import ERRORS
    from services.lsp.usecases.steps import Workflow
    from shared.contracts.siki import Certificate
    from shared.contracts.states import ApplicationStatus
    from shared.errors import DEFAULT_STATUSES, status_of
    from shared.exceptions import DomainError

    statuses = {**DEFAULT_STATUSES, **ERRORS}  # how the app answers each error
    async with running(settings_for(sqlite_url)) as lsp:
        aid = await drive(lsp, "competent")
        ctx = lsp.app.state.lsp
        record_step = Workflow(ctx).record_step
        with pytest.raises(DomainError) as err:
            async with ctx.sessions() as s, s.begin():
                await record_step(s, aid, ApplicationStatus.RECORDED, actor="LSP-A/system")
        assert status_of(err.value, statuses) == 409
        async with ctx.sessions() as s, s.begin():
            await record_step(s, aid, ApplicationStatus.SKK_NUMBERED, actor="LSP-A/system",
                              note="SKK number", extra={"skk_number": "X"})
            await record_step(s, aid, ApplicationStatus.RECORDED, actor="LSP-A/system")
            cert = Certificate(skk_number="X", registration_number="R", recording_number="N",
                               issued_on=date(2025, 1, 1), valid_until=date(2030, 1, 1), qr_payload="q")
            await record_step(s, aid, ApplicationStatus.CERTIFICATE_ISSUED, actor="LSP-A/system",
                              certificate=cert, certificate_pdf_base64="JVBERi0=")
        view = await lsp.wait_reports_sent(aid)
        assert view["status"] == "certificate_issued" and view["certificate"]["skk_number"] == "X"
        assert [x["status"] for x in view["reports"]][-3:] == ["skk_numbered", "recorded", "certificate_issued"]
    last = json.loads(siki.calls[-1].request.content)
    assert last["status"] == "certificate_issued" and last["certificate_pdf_base64"] == "JVBERi0="
    with pytest.raises(DomainError) as err2:
        async with running(settings_for(sqlite_url)) as lsp2:
            ctx2 = lsp2.app.state.lsp
            async with ctx2.sessions() as s, s.begin():
                await Workflow(ctx2).record_step(s, "unknown", ApplicationStatus.RECORDED, actor="x")
    assert status_of(err2.value, statuses) == 404
