"""What the lsp service publishes and consumes on the bus, and its periodic tasks.

Published (internal, on its own queue ``lsp.<code>``): ``lsp.<code>.report_pending`` (a status
report waits to be sent to SIKI) and ``lsp.<code>.issuance_requested`` (Kompeten: the issuance
steps in ``services/lsp/issuance`` take over).
"""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from services.lsp.context import LspContext
from services.lsp.reports import flush_reports, resend_loop
from services.lsp.workflow import REPORT_PENDING, run_deadline_sweep
from shared.bus import Delivery, EventEnvelope
from shared.contracts.events import lsp_event
from shared.logging import get_logger
from shared.runtime import ServiceRuntime

log = get_logger(__name__)


def register_consumers(runtime: ServiceRuntime, ctx: LspContext) -> None:
    async def send_reports(event: EventEnvelope, _: Delivery) -> None:
        # Raising hands the event back to the bus for a retry with backoff.
        await flush_reports(ctx, str(event.payload["application_id"]))

    async def unused(_: AsyncSession, __: EventEnvelope) -> None:  # the raw handler does the work
        return None

    runtime.consume(ctx.settings.bus_queue, [lsp_event(ctx.code, REPORT_PENDING)], unused, raw=send_reports)

    async def deadline_loop() -> None:
        while True:
            await asyncio.sleep(ctx.settings.deadline_sweep_interval_seconds)
            cancelled = await run_deadline_sweep(ctx, ctx.local_date())
            if cancelled:
                log.info("deadline sweep cancelled overdue applications", count=len(cancelled))

    runtime.background(deadline_loop)
    runtime.background(lambda: resend_loop(ctx))
