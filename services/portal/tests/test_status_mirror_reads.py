"""A SIKI step that emails the applicant reads the application and the applicant's name and
address in one statement: no second read of the user while the application is locked."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select

from services.portal.db.models import OutboxEvent
from services.portal.tests.factories import Portal, status_event
from services.portal.tests.test_after_submit import INVOICE, submitted
from shared.contracts.events import EMAIL_REQUESTED


async def test_an_emailed_step_reads_application_and_applicant_at_once(portal: Portal,
                                                                       applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    await portal.feed(status_event(app_id, 2, "forwarded", lsp_code="LSP-A"))
    statements: list[str] = []

    @event.listens_for(portal.runtime.engine.sync_engine, "before_cursor_execute")
    def _seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    try:
        await portal.feed(status_event(app_id, 3, "invoiced", invoice=INVOICE))
    finally:
        event.remove(portal.runtime.engine.sync_engine, "before_cursor_execute", _seen)
    reads = [s for s in statements if "FROM applications" in s]
    assert len(reads) == 1 and "users" in reads[0]
    assert not [s for s in statements if "FROM users" in s]
    async with portal.runtime.sessions() as s:
        mails = (await s.execute(select(OutboxEvent).where(OutboxEvent.type == EMAIL_REQUESTED,
                                                           OutboxEvent.application_id == app_id))).scalars().all()
    assert len(mails) == 2  # forwarded and invoiced, each emailed once
