"""What one LSP instance's use cases are given at composition (two LSPs may share a process)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.lsp.gateways import SikiGateway
from services.lsp.settings import LspSettings
from services.lsp.usecases.ports import Emit, IssuancePort
from services.lsp.usecases.staff import Account
from shared.account_cache import RecentAccounts
from shared.audit import Auditor
from shared.bus.envelope import utcnow
from shared.calendar import indonesian_holidays
from shared.dblocks import DbKeyedLock
from shared.reference import ReferenceData, get_reference
from shared.throttle import Throttle

if TYPE_CHECKING:
    import holidays


@dataclass
class LspContext:
    """The ports of one LSP instance: its settings, database, outbox, SIKI and issuance."""

    settings: LspSettings
    sessions: async_sessionmaker[AsyncSession]
    emit: Emit
    siki: SikiGateway
    # How a Kompeten decision hands the application to the issuance steps.
    issuance: IssuancePort
    # Failed-login counters and the audit log (the runtime's and the app's).
    throttle: Throttle
    auditor: Auditor
    reference: ReferenceData = field(default_factory=get_reference)
    # Serialises sending one application's reports, across the processes sharing the database
    # too (the consumer and the periodic resend of any process may try at once): SIKI sees
    # the reports in order, each sent by one process (shared/dblocks.py).
    report_locks: DbKeyedLock = field(default_factory=lambda: DbKeyedLock("lsp:reports"))
    # The staff accounts behind tokens, read at most every ``staff_session_cache_seconds``
    # (usecases/staff.py authenticate); set from the settings in __post_init__.
    staff_sessions: RecentAccounts[Account] = field(init=False)
    # SIKI's re-check of an application running in this process, by application id: an
    # acceptance that comes meanwhile waits for it instead of asking SIKI again (eligibility.py).
    rechecks: dict[str, asyncio.Future[dict[str, Any] | None]] = field(default_factory=dict)
    _calendar: holidays.HolidayBase | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.staff_sessions = RecentAccounts(self.settings.staff_session_cache_seconds)

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
