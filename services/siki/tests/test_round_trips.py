"""How many round trips SIKI's hot commands cost on PostgreSQL (issue 17: asyncpg and
SQLAlchemy were most of SIKI's CPU), and that folding statements together kept their effect:
the events in the outbox in the order staged, in the step's transaction."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg.transaction
import httpx
import pytest
import respx
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from services.siki.db.models import OutboxEvent, TimelineEntry
from services.siki.tests.conftest import (
    WEBHOOK_A,
    Harness,
    build_settings,
    eventually,
    report,
    running,
    submission,
)

pytestmark = pytest.mark.postgres


# Set in the measured call's task only: the relay and the consumers, in tasks of their own, are not counted.
_MEASURED: contextvars.ContextVar[bool] = contextvars.ContextVar("measured", default=False)


class RoundTrips:
    """Statements sent (SQLAlchemy's cursor executions) plus BEGIN, COMMIT and ROLLBACK (asyncpg's
    transactions: SQLAlchemy's begin event also fires on autocommit connections, which send none)
    by the measured call."""

    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []

    @contextlib.contextmanager
    def counting(self, engine: AsyncEngine) -> Iterator[None]:
        def on_execute(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            if not _MEASURED.get():
                return
            self.count += 1
            self.statements.append(statement.split("(")[0][:60])

        originals = {name: getattr(asyncpg.transaction.Transaction, name) for name in ("start", "commit", "rollback")}

        def counted(name: str) -> Any:
            async def wrapper(tx: Any, *args: Any, **kwargs: Any) -> Any:
                if _MEASURED.get():
                    self.count += 1
                    self.statements.append(name.upper())
                return await originals[name](tx, *args, **kwargs)
            return wrapper

        event.listen(engine.sync_engine, "before_cursor_execute", on_execute)
        for name in originals:
            setattr(asyncpg.transaction.Transaction, name, counted(name))
        try:
            yield
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", on_execute)
            for name, original in originals.items():
                setattr(asyncpg.transaction.Transaction, name, original)

    async def of(self, h: Harness, call: Any) -> tuple[int, httpx.Response]:
        """The round trips ``call`` costs."""
        self.count, self.statements = 0, []
        token = _MEASURED.set(True)
        try:
            with self.counting(h.runtime.engine):
                response = await call
        finally:
            _MEASURED.reset(token)
        return self.count, response


async def _quiet(h: Harness, app_id: str) -> None:
    """Let the relay and the webhook consumer finish what the submission started (its delivery
    records ``forwarded``), so that only the measured command talks to the database."""

    async def settled() -> bool:
        async with h.runtime.sessions() as s:
            pending = (await s.execute(select(OutboxEvent.seq).where(OutboxEvent.published_at.is_(None)))).first()
            last = (await s.execute(select(TimelineEntry.status).where(TimelineEntry.application_id == app_id)
                                    .order_by(TimelineEntry.seq.desc()).limit(1))).scalar()
        return pending is None and last == "forwarded"

    await eventually(settled, what="the submission delivered and the outbox relayed")


async def test_a_status_report_costs_three_round_trips_and_keeps_its_events_in_order(
        pg_url: str, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).mock(return_value=httpx.Response(200))
    async with running(build_settings(pg_url, outbox_poll_seconds=3600.0)) as h:
        body = submission()
        app_id = body["id"]
        assert (await h.submit(body)).status_code == 202
        await _quiet(h, app_id)
        await eventually(lambda: h.app.state.siki_context.lsp_keys.trusted, what="the registry's changes heard")
        trips = RoundTrips()
        # The api key's lookup (the LSP's first call; kept then: db/lsp_keys.py), the application
        # with any earlier answer (not locked), the step (the application locked if still as
        # read, its timeline, the report's record and the events in one statement, outside any
        # transaction: usecases/reports.py's first try).
        counted, r = await trips.of(h, h.report(app_id, report("accepted")))
        assert r.status_code == 200, r.text
        assert counted == 3, trips.statements
        assert "BEGIN" not in trips.statements and "COMMIT" not in trips.statements
        invoice = {"number": "INV-1", "amount": "1500000", "currency": "IDR",
                   "issued_at": datetime.now(UTC).isoformat(),
                   "due_date": (date.today() + timedelta(days=10)).isoformat()}
        counted, r = await trips.of(h, h.report(app_id, report("invoiced", invoice=invoice)))
        assert r.status_code == 200 and counted == 2, trips.statements  # the key kept

        async with h.runtime.sessions() as s:
            events = (await s.execute(select(OutboxEvent.type, OutboxEvent.payload)
                                      .where(OutboxEvent.application_id == app_id,
                                             OutboxEvent.type == "application.status_changed")
                                      .order_by(OutboxEvent.seq))).all()
            steps = (await s.execute(select(TimelineEntry.seq, TimelineEntry.status)
                                     .where(TimelineEntry.application_id == app_id)
                                     .order_by(TimelineEntry.seq))).all()
        # One event per step, in the timeline's order.
        assert [(e.payload["seq"], e.payload["status"]) for e in events] == [(st.seq, st.status) for st in steps]
        assert [st.status for st in steps][-2:] == ["accepted", "invoiced"]
        assert events[-1].payload["invoice"]["number"] == "INV-1"


async def test_the_certificate_report_stores_its_pdf_in_its_step(pg_url: str, lsp_http: respx.MockRouter) -> None:
    from services.siki.tests.test_completion_webhook import issue_certificate

    lsp_http.post(WEBHOOK_A).mock(return_value=httpx.Response(200))
    trips = RoundTrips()
    async with running(build_settings(pg_url)) as h:
        original = h.report

        async def counted_report(app_id: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
            if body["status"] != "certificate_issued":
                return await original(app_id, body, headers)
            counted, r = await trips.of(h, original(app_id, body, headers))
            # As any report: the PDF rides in the step's statement (it was a read and an insert).
            assert counted <= 6, trips.statements
            return r

        h.report = counted_report  # type: ignore[method-assign]
        app_id = await issue_certificate(h)
        r = await h.client.get(f"/api/v1/applications/{app_id}/certificate", headers=h.portal)
        assert r.status_code == 200 and r.content == b"%PDF-1.7\n%%EOF\n"


async def test_a_submission_costs_nine_round_trips(pg_url: str, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).mock(return_value=httpx.Response(200))
    async with running(build_settings(pg_url)) as h:
        trips = RoundTrips()
        body = submission()
        # The NIK's and the application's locks, BEGIN, the head, the standing, the application
        # with its step and event, the webhook's delivery, the NIK's binding with the delivery's
        # request, COMMIT.
        counted, r = await trips.of(h, h.submit(body))
        assert r.status_code == 202, r.text
        assert counted <= 9, trips.statements
        await _quiet(h, body["id"])
        async with h.runtime.sessions() as s:
            types = (await s.execute(select(OutboxEvent.type).where(OutboxEvent.application_id == body["id"])
                                     .order_by(OutboxEvent.seq))).scalars().all()
        assert types[:2] == ["application.status_changed", "siki.webhook_requested"]
        assert [d["type"] for d in await h.deliveries(application_id=body["id"])] == ["application.submitted"]


async def test_the_same_pdf_is_stored_once(pg_url: str) -> None:
    from services.siki.db import applications
    from services.siki.db.models import StoredDocument

    async with running(build_settings(pg_url)) as h:
        for _ in range(2):  # a second report, or another application, with the same bytes
            async with h.runtime.sessions() as s, s.begin():
                await applications.store_document(s, "d" * 64, b"%PDF-1.7 once", "application/pdf",
                                                  datetime.now(UTC))
        async with h.runtime.sessions() as s:
            stored = (await s.execute(select(StoredDocument.content).where(StoredDocument.sha256 == "d" * 64))).all()
        assert [row.content for row in stored] == [b"%PDF-1.7 once"]


async def test_a_webhook_request_rides_in_its_delivery_insert_and_only_with_it(pg_url: str) -> None:
    from services.siki.usecases.deliveries import request_delivery

    async with running(build_settings(pg_url)) as h:
        body = submission()
        app_id = body["id"]
        ids = []
        for _ in range(2):  # the second: a known dedupe key (a retried command)
            async with h.runtime.sessions() as s, s.begin():
                trips = RoundTrips()
                token = _MEASURED.set(True)
                try:
                    with trips.counting(h.runtime.engine):
                        ids.append(await request_delivery(
                            s, h.runtime.emit, application_id=app_id, lsp_code="LSP-A", type_="appeal.filed",
                            data={"application_id": app_id}, dedupe_key=f"test:{app_id}", now=datetime.now(UTC)))
                finally:
                    _MEASURED.reset(token)
                # The delivery and its request in one statement (the transaction's BEGIN aside).
                assert len([st for st in trips.statements if st != "START"]) == 1, trips.statements
                assert not s.new  # nothing left for the flush at commit
        assert ids[0] is not None and ids[1] is None
        async with h.runtime.sessions() as s:
            requests = (await s.execute(select(OutboxEvent.payload)
                                        .where(OutboxEvent.type == "siki.webhook_requested",
                                               OutboxEvent.application_id == app_id))).scalars().all()
        assert requests == [{"delivery_id": ids[0]}]


async def test_forms_are_read_in_one_round_trip_and_written_in_one(pg_url: str, lsp_http: respx.MockRouter) -> None:
    from services.siki.tests.test_application_forms import APL02, SIGNED, UNSIGNED, _form

    lsp_http.post(WEBHOOK_A).mock(return_value=httpx.Response(200))
    async with running(build_settings(pg_url)) as h:
        body = submission()
        app_id = body["id"]
        assert (await h.submit(body)).status_code == 202
        url = f"/api/v1/applications/{app_id}/forms"
        trips = RoundTrips()
        upload = {"forms": [_form("apl01", UNSIGNED), _form("apl02", APL02)]}
        # The api key, BEGIN, the lock, the owner, the kept forms, both PDFs and forms, COMMIT.
        counted, r = await trips.of(h, h.client.put(url, json=upload, headers=h.lsp_a))
        assert r.status_code == 200 and sorted(r.json()["stored"]) == ["apl01", "apl02"], r.text
        assert counted <= 7, trips.statements
        counted, r = await trips.of(h, h.client.put(url, json=upload, headers=h.lsp_a))  # the same again
        assert r.status_code == 200 and r.json()["stored"] == [] and counted <= 6, trips.statements
        # The signed APL-01, then a late unsigned one (kept out), then the same signed one twice in one upload.
        signed = {"forms": [_form("apl01", SIGNED, signed=True)]}
        assert (await h.client.put(url, json=signed, headers=h.lsp_a)).json()["stored"] == ["apl01"]
        late = await h.client.put(url, json={"forms": [_form("apl01", UNSIGNED)]}, headers=h.lsp_a)
        assert late.json()["stored"] == []
        for form, pdf in (("apl01", SIGNED), ("apl02", APL02)):
            served = await h.client.get(f"{url}/{form}", headers=h.portal)
            assert served.status_code == 200 and served.content == pdf
        twice = {"forms": [_form("apl02", UNSIGNED), _form("apl02", APL02, submission_no=2)]}
        assert (await h.client.put(url, json=twice, headers=h.lsp_a)).json()["stored"] == ["apl02", "apl02"]
        assert (await h.client.get(f"{url}/apl02", headers=h.portal)).content == APL02
