"""Everything one LSP instance's code needs, held per app (two LSPs may share a process)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from fastapi import Request

from services.lsp.domain.calendar import indonesian_holidays
from services.lsp.settings import LspSettings
from shared.bus.envelope import utcnow
from shared.bus.keyed_lock import KeyedLock
from shared.reference import ReferenceData, get_reference
from shared.runtime import ServiceRuntime
from shared.service_client import ServiceClient

if TYPE_CHECKING:
    import holidays


@dataclass
class LspContext:
    runtime: ServiceRuntime
    settings: LspSettings
    siki: ServiceClient
    reference: ReferenceData = field(default_factory=get_reference)
    # Serialises sending one application's reports inside this process (the consumer and the
    # periodic resend may both try).
    report_locks: KeyedLock = field(default_factory=KeyedLock)
    _calendar: holidays.HolidayBase | None = field(default=None, init=False, repr=False)

    @property
    def calendar(self) -> holidays.HolidayBase:
        """The holiday calendar, built when the first invoice needs it (not at start-up)."""
        if self._calendar is None:
            self._calendar = indonesian_holidays(self.settings.count_collective_leave)
        return self._calendar

    @property
    def code(self) -> str:
        return self.settings.lsp_code

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def local_date(self, at: datetime | None = None) -> date:
        return (at or utcnow()).astimezone(self.tz).date()


def context_of(runtime: ServiceRuntime) -> LspContext:
    ctx = getattr(runtime, "lsp_context", None)
    if not isinstance(ctx, LspContext):
        raise RuntimeError("the LSP context is not installed on this runtime")
    return ctx


def install_context(runtime: ServiceRuntime, settings: LspSettings) -> LspContext:
    api_key = settings.siki_api_key.get_secret_value()
    siki = runtime.client(settings.siki_url, audience="siki", name="siki", token=lambda: api_key)
    ctx = LspContext(runtime=runtime, settings=settings, siki=siki)
    # record_step(session, runtime, ...) has a fixed signature: the runtime carries the context.
    runtime.lsp_context = ctx  # type: ignore[attr-defined]
    return ctx


def request_context(request: Request) -> LspContext:
    return context_of(request.app.state.runtime)
