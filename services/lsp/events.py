"""What the lsp service consumes on the bus, and its periodic tasks.

Published (internal, on its own queue ``lsp.<code>``): ``FormsPending`` (consumed here) and
``IssuanceRequested`` (Kompeten: the issuance steps in ``services/lsp/issuance`` take over, see
``issuance/events.py``). Status reports are not an event: the process that commits a step sends
them (``usecases/report_sender.py``), and the periodic resend here catches what it could not.
``ReportPending`` is still consumed: a process of an earlier release may have published it.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from services.lsp.usecases import forms, payments, reports, staff_admin
from services.lsp.usecases.context import LspContext
from services.lsp.usecases.report_sender import ReportSender
from shared.bus import Delivery, EventEnvelope
from shared.bus.base import RetryPolicy
from shared.contracts.events import FormsPending, LspEmailRequested, ReportPending
from shared.logging import get_logger
from shared.runtime import ServiceRuntime

log = get_logger(__name__)


def register_consumers(runtime: ServiceRuntime, ctx: LspContext) -> None:
    s = ctx.settings
    sender = ReportSender(lambda application_id: reports.flush_reports(ctx, application_id),
                          RetryPolicy(s.bus_max_attempts, s.bus_retry_base_seconds, s.bus_retry_max_seconds))
    sender.listen(ctx.sessions)
    runtime.on_shutdown(sender.close)

    async def on_report_pending(event: ReportPending, _: EventEnvelope, __: Delivery) -> None:
        # An earlier release's doorbell. No inbox: sending is idempotent by itself. Raising
        # hands the event back to the bus for a retry with backoff.
        await reports.flush_reports(ctx, event.application_id)

    async def on_forms_pending(event: FormsPending, _: EventEnvelope, __: Delivery) -> None:
        # Idempotent at SIKI (the latest of each form is kept); raising retries.
        await forms.send_forms(ctx, event.application_id)

    runtime.consume_raw(ctx.settings.bus_queue, {ReportPending: on_report_pending, FormsPending: on_forms_pending},
                        patterns=[ReportPending.for_lsp(ctx.code), FormsPending.for_lsp(ctx.code)])

    async def on_email_requested(_: AsyncSession, email: LspEmailRequested, __: EventEnvelope) -> None:
        # Through the inbox: sent once; a failure raises and the bus delivers it again.
        await staff_admin.send_requested_email(ctx.settings, email)

    runtime.consume(ctx.settings.bus_queue, {LspEmailRequested: on_email_requested},
                    patterns=[LspEmailRequested.for_lsp(ctx.code)])

    async def deadline_loop() -> None:
        while True:
            await asyncio.sleep(ctx.settings.deadline_sweep_interval_seconds)
            cancelled = await payments.run_deadline_sweep(ctx, ctx.local_date())
            if cancelled:
                log.info("deadline sweep cancelled overdue applications", count=len(cancelled))

    async def resend_loop() -> None:
        # First at start: what a stopped process left unsent goes now, not a period later.
        while True:
            await reports.resend_unsent(ctx)
            await asyncio.sleep(ctx.settings.report_resend_interval_seconds)

    runtime.background(deadline_loop)
    runtime.background(resend_loop)
