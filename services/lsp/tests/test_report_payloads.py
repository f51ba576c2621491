"""A status report's payload (the FR.APL forms, the e-certificate: name, NIK, address, PDFs) is
personal data: sealed at rest while the report waits to be sent, and not kept once the report left
the queue (sent, refused for good, dropped on a withdrawal): SIKI has it then, and the staff's
views show only the delivery. The revision that introduced this seals the waiting reports and
empties the others."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx
from sqlalchemy import text

from services.lsp.app import MIGRATIONS
from services.lsp.tests.support import NIK, Lsp, drive, running, settings_for
from services.lsp.tests.test_encryption import T0, legacy_application, rows
from services.lsp.usecases.reports import applications_with_unsent_reports
from shared.crypto import DataKeys, attach_data_keys, is_sealed_text
from shared.database import create_engine, run_migrations
from shared.tests.migrating import downgrade
from shared.tests.waiting import wait_until

BEFORE = "0017_sealed_outbox"


@pytest.fixture(params=["sqlite_url", "pg_url"])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(request.param))


async def stored(lsp: Lsp, aid: str) -> list[tuple[str, str | None]]:
    """(status, the payload column as stored) of the application's reports, in order."""
    async with lsp.app.state.lsp.sessions() as s:
        found = await s.execute(text("SELECT status, payload FROM status_reports WHERE application_id = :a "
                                     "ORDER BY seq"), {"a": aid})
        return [(r[0], r[1]) for r in found]


async def test_waiting_reports_are_sealed_and_sent_ones_keep_no_payload(url: str, siki: respx.Route) -> None:
    siki.return_value = httpx.Response(503)  # SIKI down: the reports wait
    async with running(settings_for(url)) as lsp:
        aid = await drive(lsp, "invoiced")
        waiting = await stored(lsp, aid)
        assert [s for s, _ in waiting] == ["accepted", "invoiced"]
        assert all(p is not None and is_sealed_text(p) and NIK not in p and "Budi" not in p for _, p in waiting)

        siki.return_value = httpx.Response(200, json={"ok": True})  # SIKI back: the resend delivers them
        from services.lsp.usecases.reports import resend_unsent

        await resend_unsent(lsp.app.state.lsp)
        await wait_until(lambda: stored(lsp, aid), lambda r: all(p is None for _, p in r), timeout=10,
                         what="the payloads dropped")
        sent = [json.loads(c.request.content) for c in siki.calls if c.response.status_code == 200]
        assert [p["status"] for p in sent] == ["accepted", "invoiced"]  # SIKI had them whole
        assert all(r["sent_at"] for r in (await lsp.get(aid))["reports"])


async def test_refused_and_dropped_reports_keep_no_payload(sqlite_url: str, siki: respx.Route) -> None:
    refusal = {"type": "about:blank", "title": "Conflict", "status": 409, "detail": "no"}
    siki.side_effect = [httpx.Response(409, json=refusal), httpx.Response(503), httpx.Response(503)]
    async with running(settings_for(sqlite_url)) as lsp:
        refused = await drive(lsp, "forwarded")
        assert (await lsp.post(refused, "verification", {"decision": "accepted"}, "admin")).status_code == 200
        await wait_until(lambda: lsp.get(refused), lambda v: len(v["reports"]) == 2
                         and v["reports"][0]["refused_at"] is not None, timeout=10, what="the refusal")
        assert (await stored(lsp, refused))[0] == ("accepted", None)

        siki.side_effect = None
        siki.return_value = httpx.Response(503)
        dropped = await drive(lsp, "invoiced")
        r = await lsp.webhook("application.withdrawn", {"application_id": dropped, "reason": "pindah kerja"})
        assert r.status_code == 200, r.text
        assert dropped not in await applications_with_unsent_reports(lsp.app.state.lsp)
        assert [p for _, p in await stored(lsp, dropped)] == [None, None]


async def test_the_revision_seals_waiting_reports_and_empties_the_rest(url: str) -> None:
    payload: dict[str, Any] = {"status": "accepted", "forms": [{"name": "Budi Santoso", "nik": NIK}]}
    engine = create_engine(url)
    attach_data_keys(engine, DataKeys.from_settings(settings_for(url)))
    try:
        await legacy_application(engine)
        await run_migrations(engine, MIGRATIONS, revision=BEFORE)
        async with engine.begin() as conn:
            for seq, sent in ((1, T0), (2, None)):
                await conn.execute(rows("status_reports", seq=seq, report_id=f"r-{seq}", application_id="app-1",
                                        status="accepted", payload=json.dumps(payload), created_at=T0,
                                        sent_at=sent, attempts=0))
        await run_migrations(engine, MIGRATIONS)
        async with engine.connect() as conn:
            after = list((await conn.execute(text("SELECT payload FROM status_reports ORDER BY seq"))).scalars())
        assert after[0] is None and is_sealed_text(after[1]) and NIK not in after[1]

        await downgrade(engine, MIGRATIONS, BEFORE)
        async with engine.connect() as conn:
            plain = list((await conn.execute(text("SELECT payload FROM status_reports ORDER BY seq"))).scalars())
        assert [json.loads(v) if isinstance(v, str) else v for v in plain] == [{}, payload]
    finally:
        await engine.dispose()
