"""What SIKI's use cases share: the database, the outbox and the per-key locks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from services.siki.db.lsp_keys import KnownKeys
from services.siki.db.models import AuditEntry
from services.siki.domain.limits import AppealWindow
from services.siki.domain.webhook_urls import WebhookUrlGuard
from shared.audit import Auditor
from shared.contracts.events import Event
from shared.dblocks import DbKeyedLock


class Emit(Protocol):
    """Stages a catalogue event in the session's transaction (``ServiceRuntime.emit``)."""

    def __call__(self, session: AsyncSession, event: Event, *, application_id: str | None = None) -> object: ...


@dataclass(frozen=True)
class Actor:
    """Who asks for an action, as the audit log names them (``operator:siki:<email>``,
    ``service:portal``, ``lsp:<code>``), and from where."""

    name: str
    client: str | None = None


@dataclass(frozen=True)
class SikiContext:
    sessions: async_sessionmaker[AsyncSession]
    # Reads that need no transaction go through shared.database.autocommit_read(engine).
    engine: AsyncEngine
    emit: Emit
    # Serialise changes to one application (and limit checks for one NIK) across the processes
    # sharing the database (shared/dblocks.py), so two concurrent commands cannot both read the
    # same state and both append. A NIK before an application, wherever both are taken.
    app_locks: DbKeyedLock = field(default_factory=lambda: DbKeyedLock("siki:app"))
    # Its advisory key is the one the earlier per-NIK lock used, so old and new processes exclude each other.
    nik_locks: DbKeyedLock = field(default_factory=lambda: DbKeyedLock("siki:nik"))
    # How long a Belum Kompeten decision may be appealed (and so counts for the limits).
    appeal_window: AppealWindow = field(default_factory=AppealWindow)
    # Where webhooks may go (domain/webhook_urls.py); app.py gives the mode's rule and a real
    # resolver. The default fails closed: strict, and no name resolves.
    webhook_urls: WebhookUrlGuard = field(default_factory=lambda: WebhookUrlGuard(strict=True, resolve=_no_dns))
    # Operators' actions and every NIK lookup are recorded here, in the action's transaction.
    auditor: Auditor = field(default_factory=lambda: Auditor(AuditEntry))
    # The LSPs' api keys as last read, kept only while the registry's changes are heard
    # (db/lsp_keys.py; app.py starts the listener on PostgreSQL): otherwise read every call.
    lsp_keys: KnownKeys = field(default_factory=KnownKeys)


async def _no_dns(host: str, port: int) -> list[str]:
    return []


def utcnow() -> datetime:
    return datetime.now(UTC)


def sha256_hex(value: str | bytes) -> str:
    return hashlib.sha256(value.encode() if isinstance(value, str) else value).hexdigest()
