"""The applicant's timeline never loses a step: an older SIKI step arriving after a newer one
(a retried event overtaken, a replay) is still written, notified and emailed, once, and shown in
``seq`` order, while the application's status only moves forward."""

from __future__ import annotations

from sqlalchemy import select

from services.portal.db.models import OutboxEvent, TimelineEntry
from services.portal.domain.applications import in_timeline_order
from services.portal.tests.factories import Portal, status_event
from services.portal.tests.test_after_submit import INVOICE, get_app, submitted
from shared.contracts.events import EMAIL_REQUESTED


async def _timeline(portal: Portal, app_id: str) -> list[tuple[str, int | None]]:
    """The timeline as the applicant reads it: (status, seq) in display order."""
    async with portal.runtime.sessions() as s:
        rows = (await s.execute(select(TimelineEntry.status, TimelineEntry.seq)
                                .where(TimelineEntry.application_id == app_id)
                                .order_by(TimelineEntry.id))).all()
    return [(r.status, r.seq) for r in in_timeline_order(rows, lambda r: r.seq)]


async def _emails(portal: Portal, app_id: str) -> int:
    async with portal.runtime.sessions() as s:
        rows = (await s.execute(select(OutboxEvent).where(OutboxEvent.type == EMAIL_REQUESTED))).scalars().all()
    return sum(1 for r in rows if r.application_id == app_id)


async def test_a_late_step_is_recorded_in_its_place(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    forwarded = status_event(app_id, 2, "forwarded", lsp_code="LSP-A")
    accepted = status_event(app_id, 3, "accepted")
    invoiced = status_event(app_id, 4, "invoiced", invoice=INVOICE)
    emails_before = await _emails(portal, app_id)
    # seq 2 failed once and was overtaken by 3 and 4.
    await portal.feed(accepted, invoiced)
    await portal.feed(forwarded)
    app = await get_app(portal, applicant, app_id)
    # The status stays where the newest step left it, invoice included.
    assert app["status"] == "invoiced" and app["invoice"]["number"] == INVOICE["number"]
    # The late step is on the timeline, shown in SIKI's order.
    assert await _timeline(portal, app_id) == [("draft", None), ("submitted", None), ("forwarded", 2),
                                               ("accepted", 3), ("invoiced", 4)]
    notes = (await portal.client.get("/api/v1/notifications", headers=applicant)).json()
    assert sorted(n["status"] for n in notes) == ["accepted", "forwarded", "invoiced"]
    # forwarded and invoiced have an email each (accepted has none).
    assert await _emails(portal, app_id) == emails_before + 2

    # Redelivery of the late event, or a copy with a new event id: no second effect.
    await portal.feed(forwarded, status_event(app_id, 2, "forwarded"))
    assert [s for s, _ in await _timeline(portal, app_id)].count("forwarded") == 1
    assert len((await portal.client.get("/api/v1/notifications", headers=applicant)).json()) == 3
    assert await _emails(portal, app_id) == emails_before + 2
    assert (await get_app(portal, applicant, app_id))["status"] == "invoiced"


async def test_a_late_confirmation_confirms_the_portals_own_entry(portal: Portal,
                                                                  applicant: dict[str, str]) -> None:
    """The portal wrote "submitted" itself (no seq); SIKI's seq 1 for it arrives after seq 2: it
    confirms that entry instead of adding a second "submitted"."""
    app_id = await submitted(portal, applicant)
    await portal.feed(status_event(app_id, 2, "forwarded", lsp_code="LSP-A"))
    await portal.feed(status_event(app_id, 1, "submitted"))
    assert await _timeline(portal, app_id) == [("draft", None), ("submitted", 1), ("forwarded", 2)]
    assert (await get_app(portal, applicant, app_id))["status"] == "forwarded"


def test_display_order_puts_the_portals_own_steps_after_what_preceded_them() -> None:
    written = [("draft", None), ("submitted", 1), ("forwarded", 2), ("invoiced", 4), ("payment_uploaded", None),
               ("accepted", 3)]  # accepted (3) arrived late, after the portal's own payment_uploaded
    ordered = in_timeline_order(written, lambda e: e[1])
    assert ordered == [("draft", None), ("submitted", 1), ("forwarded", 2), ("accepted", 3), ("invoiced", 4),
                       ("payment_uploaded", None)]
