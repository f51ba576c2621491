"""The retention job (docs/RETENTION.md): personal data the portal no longer needs is deleted
(UU 27/2022 on personal data protection: kept no longer than its purpose requires).

- spent one-time links (activation, password reset): ``used_link_retention_days`` after they
  were used or expired;
- accounts never activated: ``unactivated_account_retention_days`` after registration, with
  their links;
- drafts untouched for ``abandoned_draft_retention_days``, with their timeline, notifications,
  the documents no other application names, and NIK bindings that were never sent to SIKI;
  uploads no application names, that old too. A stored file goes only when no row (any
  document with the same content, an issued certificate) needs its bytes any more.

Runs every ``retention_interval_seconds`` (app.py), in batches, each its own transaction, and
writes one audit entry per run that removed something (counts only)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.portal.db import retention as q
from services.portal.db.models import ActivationToken, PasswordResetToken
from services.portal.settings import PortalSettings
from services.portal.storage import DocumentStore
from services.portal.usecases.account_ports import AuditLog
from shared.bus import utcnow
from shared.database import read_session
from shared.dblocks import try_session_lock
from shared.logging import get_logger

log = get_logger(__name__)

BATCH = 200
ACTOR = "service:portal"


@dataclass
class Purged:
    links: int = 0
    accounts: int = 0
    drafts: int = 0
    documents: int = 0
    files: int = 0
    nik_bindings: int = 0
    digests: set[str] = field(default_factory=set, repr=False)

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in vars(self).items() if isinstance(v, int)}

    @property
    def anything(self) -> bool:
        return any(self.counts().values())


def _remove_file(store: DocumentStore, sha256: str) -> bool:
    # Both the encrypted file and one stored before encryption (named by the digest itself).
    removed = False
    for path in (store.path(sha256), Path(store.root) / sha256[:2] / sha256):
        if path.exists():
            path.unlink(missing_ok=True)
            removed = True
    return removed


class Retention:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], store: DocumentStore, settings: PortalSettings,
                 audit: AuditLog) -> None:
        self.sessions = sessions
        self.store = store
        self.settings = settings
        self.audit = audit

    async def run(self, now: datetime | None = None) -> Purged:
        """One pass of every rule as of ``now``; what was removed. One process of the portal
        runs it at a time: another process's pass meanwhile is skipped (nothing removed), so
        two passes neither count nor audit the same rows twice, nor delete in each other's way."""
        async with try_session_lock(self.sessions, "portal:retention") as mine:
            return await self._run(now) if mine else Purged()

    async def _run(self, now: datetime | None) -> Purged:
        now = now or utcnow()
        s = self.settings
        purged = Purged()
        async with self.sessions() as session, session.begin():
            before = now - timedelta(days=s.used_link_retention_days)
            for model in (ActivationToken, PasswordResetToken):
                purged.links += await q.purge_spent_links(session, model, before)
        await self._accounts(now - timedelta(days=s.unactivated_account_retention_days), purged)
        await self._drafts(now - timedelta(days=s.abandoned_draft_retention_days), purged)
        await self._files(purged)
        if purged.anything:
            await self.audit.record_alone(self.sessions, actor=ACTOR, action="retention.purged",
                                          detail=purged.counts())
            log.info("retention purge", **purged.counts())
        return purged

    async def _accounts(self, created_before: datetime, purged: Purged) -> None:
        while True:
            async with self.sessions() as session, session.begin():
                ids = await q.unactivated_users(session, created_before, BATCH)
                if ids:
                    purged.accounts += await q.delete_users(session, ids)
            if len(ids) < BATCH:
                return

    async def _drafts(self, before: datetime, purged: Purged) -> None:
        while True:
            async with self.sessions() as session, session.begin():
                drafts = await q.abandoned_drafts(session, before, BATCH)
                if drafts:
                    doc_ids = await q.delete_applications(session, [a for a, _ in drafts])
                    purged.drafts += len(drafts)
                    await self._documents(session, purged, among=doc_ids)
                    purged.nik_bindings += await q.release_unfixed_bindings(session, sorted({u for _, u in drafts}))
            if len(drafts) < BATCH:
                break
        while True:
            async with self.sessions() as session, session.begin():
                removed = await self._documents(session, purged, created_before=before)
            if removed < BATCH:
                return

    async def _documents(self, session: AsyncSession, purged: Purged, *, among: list[str] | None = None,
                         created_before: datetime | None = None) -> int:
        docs = await q.unreferenced_documents(session, among=among, created_before=created_before, limit=BATCH)
        if docs:
            purged.documents += await q.delete_documents(session, [d for d, _ in docs])
            purged.digests.update(sha for _, sha in docs)
        return len(docs)

    async def _files(self, purged: Purged) -> None:
        """After the rows are gone (committed): the files whose content nothing needs any more."""
        if not purged.digests:
            return
        async with read_session(self.sessions) as session:
            used = await q.contents_still_used(session, sorted(purged.digests))
        for digest in sorted(purged.digests - used):
            if await asyncio.to_thread(_remove_file, self.store, digest):
                purged.files += 1

    async def loop(self) -> None:
        """The scheduled job (a background task of the runtime, cancelled at shutdown)."""
        while True:
            await asyncio.sleep(self.settings.retention_interval_seconds)
            await self.run()

