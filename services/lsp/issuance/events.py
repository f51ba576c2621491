"""How the issuance steps are wired into an LSP instance: the request the workflow stages
(:class:`IssuanceRequests`, its ``IssuancePort``), the consumer of ``IssuanceRequested`` on the
LSP's own queue, and the resume sweep.

The sweep runs every ``SKK_ISSUANCE_RESUME_INTERVAL_SECONDS`` (and at start; 0 disables): the
embedded bus loses queued events on a restart, the sweep finishes their issuances.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.lsp.issuance.gateways import Bnsp, Lpjk
from services.lsp.issuance.settings import issuance_settings
from services.lsp.issuance.steps import IssuanceSteps
from services.lsp.settings import LspSettings
from services.lsp.usecases.ports import Emit, WorkflowPort
from shared.bus import Delivery, EventEnvelope
from shared.contracts.events import IssuanceRequested
from shared.logging import get_logger
from shared.runtime import ServiceRuntime

if TYPE_CHECKING:
    import httpx

log = get_logger(__name__)


@dataclass(frozen=True)
class IssuanceRequests:
    """The workflow's ``IssuancePort``: stages ``IssuanceRequested`` in the decision's transaction."""

    emit: Emit
    lsp_code: str

    def request(self, session: AsyncSession, application_id: str) -> None:
        self.emit(session, IssuanceRequested(lsp_code=self.lsp_code, application_id=application_id))


def register_issuance(
    runtime: ServiceRuntime,
    settings: LspSettings,
    *,
    workflow: WorkflowPort,
    bnsp_transport: httpx.AsyncBaseTransport | None = None,
    lpjk_transport: httpx.AsyncBaseTransport | None = None,
    **overrides: Any,
) -> IssuanceSteps:
    """Build the issuance steps on ``workflow``, subscribe them on the LSP's own queue and start
    the resume sweep. The transports and ``overrides`` (of ``IssuanceSettings``) are for tests."""
    cfg = issuance_settings(settings, **overrides)
    steps = IssuanceSteps(
        lsp_code=settings.lsp_code, sessions=runtime.sessions, workflow=workflow, cfg=cfg,
        bnsp=Bnsp(runtime.client(settings.bnsp_url, audience="bnsp", name="bnsp", transport=bnsp_transport)),
        lpjk=Lpjk(runtime.client(settings.lpjk_url, audience="lpjk", name="lpjk", transport=lpjk_transport)),
    )

    async def on_issuance_requested(event: IssuanceRequested, _: EventEnvelope, delivery: Delivery) -> None:
        # No inbox: every run resumes from the issuance row, so a redelivery is harmless.
        try:
            await steps.run(event.application_id)
        except Exception as exc:
            log.warning("issuance step failed; the bus will retry", application_id=event.application_id,
                        attempt=delivery.attempt, max_attempts=delivery.max_attempts, error=repr(exc)[:500])
            raise

    runtime.consume_raw(settings.bus_queue, {IssuanceRequested: on_issuance_requested},
                        patterns=[IssuanceRequested.for_lsp(settings.lsp_code)])
    if cfg.issuance_resume_interval_seconds > 0:
        runtime.background(steps.resume_loop)
    return steps
