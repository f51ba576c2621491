"""A SIKI step's writes (the application's row, the timeline entry, the notification) are plain
Core statements, sent together: one round trip on PostgreSQL. The result is the same as on SQLite,
where they go one by one: same status, invoice, certificate, timeline and notifications."""

from __future__ import annotations

import asyncio
import email
import email.policy
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, update

from services.portal.db.models import Application, TimelineEntry
from services.portal.db.repositories import add_timeline
from services.portal.tests.factories import Portal, portal_settings, running_portal, status_event
from services.portal.tests.test_after_submit import (
    CERTIFICATE,
    INVOICE,
    advance,
    get_app,
    outbox_types,
    submitted,
)
from shared.bus import utcnow

STEPS: list[tuple[str, dict[str, Any]]] = [
    ("submitted", {}), ("forwarded", {"lsp_code": "LSP-A"}), ("accepted", {"actor": "LSP-A/admin"}),
    ("invoiced", {"invoice": INVOICE}), ("payment_verified", {}), ("in_certification", {}),
    ("returned", {"reasons": ["foto buram"]}), ("certificate_issued", {"certificate": CERTIFICATE}),
]


async def _mirrored(portal: Portal, applicant: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str | None]],
                                                                        list[tuple[str, str]]]:
    app_id = await submitted(portal, applicant)
    last = await advance(portal, app_id, STEPS)
    # An older step after a newer one: on the timeline, the status stays.
    await portal.feed(status_event(app_id, last + 1, "completed"), status_event(app_id, last, "scheduled"))
    app = await get_app(portal, applicant, app_id)
    notes = (await portal.client.get("/api/v1/notifications", headers=applicant)).json()
    view = {k: app[k] for k in ("status", "invoice", "certificate", "reasons", "lsp_code")}
    timeline = [(t["status"], t["actor"]) for t in app["timeline"]]
    return view, timeline, sorted((n["status"], n["message"]) for n in notes)


async def _writes_of_one_step(portal: Portal, applicant: dict[str, str]) -> tuple[list[str], list[str]]:
    """The statements (besides the inbox and the outbox) of SIKI's confirmation of the portal's
    own ``submitted`` entry, and of a later step."""
    app_id = await submitted(portal, applicant)
    confirming = await _statements_of(portal, status_event(app_id, 1, "submitted"))
    await advance(portal, app_id, STEPS[1:2], first_seq=2)
    return confirming, await _statements_of(portal, status_event(app_id, 3, "accepted"))


async def _statements_of(portal: Portal, ev: Any) -> list[str]:
    # The inbox's claim alone (SQLite), the email's outbox row alone (SQLite) and the relay are not the step's.
    return [s for s in await _all_statements_of(portal, ev)
            if not s.lstrip().startswith(("INSERT INTO inbox", "INSERT INTO outbox")) and not _relay(s)]


def _relay(statement: str) -> bool:
    return "relay_lock" in statement or statement.lstrip().startswith(("SELECT outbox", "UPDATE outbox"))


async def _all_statements_of(portal: Portal, ev: Any) -> list[str]:
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = portal.runtime.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        await portal.feed(ev)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return statements


@pytest.mark.postgres
async def test_a_step_writes_in_one_statement_on_postgres_as_sqlite_does_in_three(
        tmp_path: Path, pg_url: str, sqlite_url: str) -> None:
    async with running_portal(portal_settings(tmp_path / "pg", pg_url)) as portal:
        applicant = await portal.applicant()
        on_postgres = await _mirrored(portal, applicant)
        pg_writes = await _writes_of_one_step(portal, applicant)
    async with running_portal(portal_settings(tmp_path / "lite", sqlite_url)) as portal:
        applicant = await portal.applicant()
        on_sqlite = await _mirrored(portal, applicant)
        sqlite_writes = await _writes_of_one_step(portal, applicant)
    assert on_postgres == on_sqlite
    view, timeline, notified = on_postgres
    assert view["status"] == "completed" and view["lsp_code"] == "LSP-A" and view["reasons"] == ["foto buram"]
    assert view["invoice"]["number"] == INVOICE["number"]
    assert view["certificate"]["skk_number"] == CERTIFICATE["skk_number"]
    assert [s for s, _ in timeline] == ["draft", "submitted", *(s for s, _ in STEPS[1:]), "scheduled", "completed"]
    assert len(notified) == len(STEPS) + 2
    # The locked read, for a step the portal records itself a read of the last timeline entry
    # (after the lock: see usecases/timeline.py), then the writes: one statement on PostgreSQL;
    # the application, the entry and the notification one by one on SQLite.
    for statements, writes in ((pg_writes[:1], 1), (sqlite_writes, 3)):
        first, *others = statements
        assert "FROM applications" in first[0] and "FROM timeline_entries" in first[1]
        assert len(first) == 2 + writes and all(len(x) == 1 + writes for x in others), statements
    # On PostgreSQL the inbox's claim rides in the locked read (SQLite sends it first, by itself).
    confirming, later = pg_writes
    assert "INSERT INTO inbox" in confirming[0] and "FOR UPDATE" in confirming[0]
    assert not any("inbox" in statement for writes in sqlite_writes for statement in writes)
    assert confirming[2].lstrip().startswith("WITH")
    # A later step on PostgreSQL is first tried outside any transaction: the application read
    # without a lock, then one statement: the row locked if still as read, the claim, the writes.
    assert len(later) == 2 and "FOR UPDATE" not in later[0] and "inbox" not in later[0], later
    for part in ("FOR UPDATE", "INSERT INTO inbox", "UPDATE applications", "INSERT INTO timeline_entries",
                 "INSERT INTO notifications"):
        assert part in later[1], part


@pytest.mark.postgres
async def test_a_step_and_its_email_are_one_statement_on_postgres(tmp_path: Path, pg_url: str) -> None:
    """The step's email (a ``portal.email_requested`` event in the outbox) rides in the step's statement;
    it is still sent once the step commits."""
    async with running_portal(portal_settings(tmp_path, pg_url)) as portal:
        applicant = await portal.applicant()
        app_id = await submitted(portal, applicant)
        await advance(portal, app_id, STEPS[:1])
        statements = await _all_statements_of(portal, status_event(app_id, 2, "forwarded", lsp_code="LSP-A"))
        mail = await portal.next_mail()
        types = await outbox_types(portal)
    steps = [s for s in statements if not _relay(s)]
    assert len(steps) == 2, steps  # the read, then the writes with the inbox's claim
    for part in ("INSERT INTO inbox", "UPDATE applications", "INSERT INTO timeline_entries",
                 "INSERT INTO notifications", "INSERT INTO outbox"):
        assert part in steps[1], part
    assert types[-1] == "portal.email_requested"
    message = email.message_from_bytes(mail, policy=email.policy.default)
    assert message["Subject"] == "Permohonan SKK Konstruksi Anda diterima LSP"
    assert app_id in message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]


@pytest.mark.postgres
async def test_a_confirmation_waiting_for_the_lock_sees_the_entry_committed_meanwhile(
        tmp_path: Path, pg_url: str) -> None:
    """SIKI's 'submitted' can arrive while the portal's own submission still holds the
    application's row: once the lock is granted, the mirror must see the entry that transaction
    committed and confirm it, not add a second 'submitted' (the chain's journeys caught a read
    of the last entry taken with the lock, from the snapshot before the wait)."""
    async with running_portal(portal_settings(tmp_path, pg_url)) as portal:
        applicant = await portal.applicant()
        app_id, _ = await portal.complete_draft(applicant)
        async with portal.runtime.sessions() as s, s.begin():
            await s.execute(select(Application.id).where(Application.id == app_id).with_for_update())
            add_timeline(s, app_id, "submitted", utcnow(), "applicant", None)
            await s.execute(update(Application).where(Application.id == app_id).values(status="submitted"))
            await s.flush()
            fed = asyncio.create_task(portal.feed(status_event(app_id, 1, "submitted")))
            await asyncio.sleep(0.5)  # the consumer now waits for this transaction's lock
            assert not fed.done()
        await asyncio.wait_for(fed, 10)
        async with portal.runtime.sessions() as s:
            entries = (await s.execute(select(TimelineEntry.status, TimelineEntry.seq)
                                       .where(TimelineEntry.application_id == app_id)
                                       .order_by(TimelineEntry.id))).all()
        assert [tuple(e) for e in entries] == [("draft", None), ("submitted", 1)]
