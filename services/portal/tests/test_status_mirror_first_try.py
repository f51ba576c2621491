"""The status mirror's first try on PostgreSQL (usecases/timeline.py ``apply_alone``): a newer
step the portal does not record itself is read without a lock and written, with the inbox's
claim and the step's email, in one statement outside any transaction, which writes only while
the application's row is as read and only if it claimed the event. Anything else takes the
locked path in the inbox's transaction, with the same result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, update

from services.portal.db.models import Application, InboxEntry, Notification, OutboxEvent, TimelineEntry
from services.portal.tests.factories import Portal, portal_settings, running_portal, status_event
from services.portal.tests.test_after_submit import CERTIFICATE, INVOICE, advance, submitted
from services.portal.usecases import timeline
from shared.bus import utcnow
from shared.contracts.events import EMAIL_REQUESTED

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg_portal(tmp_path: Path, pg_url: str) -> Any:
    async with running_portal(portal_settings(tmp_path, pg_url)) as portal:
        yield portal


async def _counts(portal: Portal, app_id: str, event_id: str) -> dict[str, Any]:
    async with portal.runtime.sessions() as s:
        app = (await s.execute(select(Application.status, Application.last_seq, Application.certificate)
                               .where(Application.id == app_id))).one()
        entries = (await s.execute(select(TimelineEntry.status, TimelineEntry.seq).where(
            TimelineEntry.application_id == app_id).order_by(TimelineEntry.id))).all()

        async def count(model: Any, *where: Any) -> int:
            return int((await s.execute(select(func.count()).select_from(model).where(*where))).scalar_one())

        return {"status": app.status, "last_seq": app.last_seq, "certificate": app.certificate,
                "timeline": [tuple(e) for e in entries],
                "claims": await count(InboxEntry, InboxEntry.event_id == event_id),
                "notifications": await count(Notification, Notification.application_id == app_id),
                "emails": await count(OutboxEvent, OutboxEvent.type == EMAIL_REQUESTED,
                                      OutboxEvent.application_id == app_id)}


async def test_a_newer_step_is_two_statements_without_a_transaction(pg_portal: Portal) -> None:
    applicant = await pg_portal.applicant()
    app_id = await submitted(pg_portal, applicant)
    await advance(pg_portal, app_id, [("submitted", {}), ("forwarded", {"lsp_code": "LSP-A"})])
    sent: list[tuple[str, Any]] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "relay_lock" not in statement and "outbox." not in statement.split("FROM", 1)[0]:
            sent.append((statement, conn.get_execution_options().get("isolation_level")))

    engine = pg_portal.runtime.engine.sync_engine
    ev = status_event(app_id, 3, "invoiced", invoice=INVOICE)
    event.listen(engine, "before_cursor_execute", seen)
    try:
        await pg_portal.feed(ev)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    # Both on connections in AUTOCOMMIT: no BEGIN, no COMMIT.
    assert [level for _, level in sent] == ["AUTOCOMMIT", "AUTOCOMMIT"], sent
    after = await _counts(pg_portal, app_id, ev.id)
    assert (after["status"], after["last_seq"], after["claims"]) == ("invoiced", 3, 1)
    assert after["timeline"][-1] == ("invoiced", 3)
    assert after["emails"] == 2  # forwarded and invoiced, each once
    # The invoiced step's email is sent: the first try's commit woke the outbox relay for it.
    assert any([b"Tagihan" in await pg_portal.next_mail() for _ in range(2)])
    # The same event again (a redelivery): the locked path finds it claimed and changes nothing.
    await pg_portal.feed(ev)
    assert await _counts(pg_portal, app_id, ev.id) == after


async def test_a_claimed_event_writes_nothing_in_the_first_try(pg_portal: Portal) -> None:
    applicant = await pg_portal.applicant()
    """Every write of the statement is conditional on the claim: an event already in the inbox
    (its effect lost in a way the row does not show) changes nothing, not even the row."""
    app_id = await submitted(pg_portal, applicant)
    await advance(pg_portal, app_id, [("submitted", {})])
    before = await _counts(pg_portal, app_id, "-")
    ev = status_event(app_id, 2, "forwarded", lsp_code="LSP-A")
    async with pg_portal.runtime.sessions() as s, s.begin():
        s.add(InboxEntry(event_id=ev.id, consumer="portal", event_type=ev.type, processed_at=utcnow()))
    tried: list[bool | None] = []
    original = timeline.write_status_step_alone

    async def recorded(*args: Any, **kwargs: Any) -> bool | None:
        tried.append(await original(*args, **kwargs))
        return tried[-1]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timeline, "write_status_step_alone", recorded)
        await pg_portal.feed(ev)
    assert tried == [False]
    after = await _counts(pg_portal, app_id, ev.id)
    assert after == {**before, "claims": 1}


async def _race(portal: Portal, app_id: str, ev: Any, meanwhile: dict[str, Any]) -> list[bool | None]:
    """Feed ``ev`` with another transaction setting ``meanwhile`` on the application's row
    between the first try's read and its statement."""
    tried: list[bool | None] = []
    original = timeline.write_status_step_alone

    async def racing(*args: Any, **kwargs: Any) -> bool | None:
        async with portal.runtime.sessions() as s, s.begin():
            await s.execute(update(Application).where(Application.id == app_id).values(**meanwhile))
        tried.append(await original(*args, **kwargs))
        return tried[-1]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timeline, "write_status_step_alone", racing)
        await portal.feed(ev)
    return tried


async def test_a_newer_step_overtaken_meanwhile_is_recorded_as_a_late_one(pg_portal: Portal) -> None:
    applicant = await pg_portal.applicant()
    app_id = await submitted(pg_portal, applicant)
    await advance(pg_portal, app_id, [("submitted", {}), ("forwarded", {"lsp_code": "LSP-A"})])
    ev = status_event(app_id, 3, "invoiced", invoice=INVOICE)
    # Step 4 applied meanwhile (by another replica): step 3 is now late.
    tried = await _race(pg_portal, app_id, ev, {"last_seq": 4, "status": "payment_verified"})
    assert tried == [None]  # the guard failed: nothing written, the locked path decided
    after = await _counts(pg_portal, app_id, ev.id)
    assert (after["status"], after["last_seq"], after["claims"]) == ("payment_verified", 4, 1)
    assert after["timeline"].count(("invoiced", 3)) == 1
    assert after["notifications"] == 3 and after["emails"] == 2  # forwarded and invoiced: one each


async def test_lpjk_status_arriving_meanwhile_is_kept_in_the_certificate(pg_portal: Portal) -> None:
    applicant = await pg_portal.applicant()
    app_id = await submitted(pg_portal, applicant)
    last = await advance(pg_portal, app_id, [("submitted", {}), ("forwarded", {"lsp_code": "LSP-A"})])
    ev = status_event(app_id, last, "certificate_issued", certificate=CERTIFICATE)
    tried = await _race(pg_portal, app_id, ev, {"certificate": {"status": "active", "status_seq": 1}})
    assert tried == [None]
    after = await _counts(pg_portal, app_id, ev.id)
    assert after["status"] == "certificate_issued" and after["claims"] == 1
    kept = {k: after["certificate"].get(k) for k in (*CERTIFICATE, "status", "status_seq")}
    assert kept == {**CERTIFICATE, "status": "active", "status_seq": 1}  # SIKI's certificate, LPJK's status
    assert after["timeline"].count(("certificate_issued", last)) == 1
