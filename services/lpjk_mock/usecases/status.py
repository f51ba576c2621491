"""A recorded certificate's standing over its life: ``suspend_certificate``,
``reinstate_certificate`` and ``revoke_certificate`` (LPJK operators, audited), and the
supersession a renewal or a change makes (from ``create_record``). Each change commits together
with its ``certificate.status_changed`` event (seq = the certificate's ``status_seq``); a repeat
of the same action changes nothing and publishes nothing.

Each action leaves an idempotency note (shared/idempotency_marks.py) in its transaction: a retry
of the same keyed request after its process died unanswered answers as that request did (not as
a repeat: ``changed`` and the previous standing are the first attempt's) and is not audited
again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.lpjk_mock.db import repository
from services.lpjk_mock.db.models import AuditEntry, SkkRecord
from services.lpjk_mock.domain import records, status
from shared.audit import Auditor
from shared.bus import utcnow
from shared.contracts.events import CertificateStatusChanged, Event
from shared.contracts.states import CertificateStatus
from shared.database import read_session
from shared.idempotency_marks import remember, replayed

Emit = Callable[[AsyncSession, Event], Any]

# Operators' actions as the audit log names them (``record.revoked`` as before issue 16).
AUDIT_ACTIONS = {"suspend": "certificate.suspended", "reinstate": "certificate.reinstated",
                 "revoke": "record.revoked"}


@dataclass(frozen=True)
class StatusAnswer:
    recording_number: str
    status: str
    previous_status: str
    changed: bool  # False: a repeat, the certificate already stood so
    reason: str | None
    changed_at: datetime | None
    status_seq: int
    superseded_by: str | None


def stage_change(session: AsyncSession, emit: Emit, row: SkkRecord, change: status.Change, *, reason: str | None,
                 at: datetime, superseded_by: str | None = None) -> None:
    """Apply ``change`` to ``row`` and stage its event, in the caller's transaction."""
    if not change.changed:
        return
    row.status = change.status.value
    row.status_reason = reason
    row.status_changed_at = at
    row.status_seq = (row.status_seq or 0) + 1
    if change.status == status.REVOKED and row.revoked_at is None:
        row.revoked_at, row.revoked_reason = at, reason  # the pre-issue-16 columns, kept in step
    if superseded_by is not None:
        row.superseded_by = superseded_by
    emit(session, CertificateStatusChanged(
        recording_number=row.recording_number, skk_number=row.skk_number, application_id=row.application_id,
        lsp_code=row.lsp_code, seq=row.status_seq, status=CertificateStatus(change.status),
        previous_status=CertificateStatus(change.previous), reason=reason, at=at, superseded_by=superseded_by,
    ))


class CertificateStatuses:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], emit: Emit, *, auditor: Auditor | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.sessions = sessions
        self.emit = emit
        self.auditor = auditor or Auditor(AuditEntry)
        self.clock = clock

    async def suspend(self, recording_number: str, reason: str, *, actor: str,
                      client: str | None = None) -> StatusAnswer:
        return await self.act("suspend", recording_number, reason, actor=actor, client=client)

    async def reinstate(self, recording_number: str, reason: str, *, actor: str,
                        client: str | None = None) -> StatusAnswer:
        return await self.act("reinstate", recording_number, reason, actor=actor, client=client)

    async def revoke(self, recording_number: str, reason: str, *, actor: str,
                     client: str | None = None) -> StatusAnswer:
        return await self.act("revoke", recording_number, reason, actor=actor, client=client)

    async def act(self, action: str, recording_number: str, reason: str, *, actor: str,
                  client: str | None = None) -> StatusAnswer:
        """``action`` on the certificate: ``UnknownRecord`` (404) if there is none,
        ``TransitionRefused`` (409) if its standing does not allow it; a repeat keeps the first
        change (its reason too). Audited, the repeat too (``changed`` false)."""
        if (done := await self._done_by_this_request(action, recording_number)) is not None:
            return done
        now = self.clock()
        async with self.sessions() as s, s.begin():
            row = await repository.get_for_update(s, recording_number)
            if row is None:
                raise records.UnknownRecord(f"no SKK recorded as {recording_number}",
                                            errors=[{"field": "recording_number", "message": "not recorded"}])
            change = status.apply(row.status, action)
            stage_change(s, self.emit, row, change, reason=reason, at=now)
            detail: dict[str, Any] = {"lsp_code": row.lsp_code, "status": change.status.value,
                                      "previous_status": change.previous.value, "changed": change.changed,
                                      "seq": row.status_seq}
            if action == "revoke":
                detail["already_revoked"] = not change.changed
            await self.auditor.record(s, actor=actor, action=AUDIT_ACTIONS[action], target_type="skk_record",
                                      target_id=recording_number, application_id=row.application_id,
                                      client=client, detail=detail, at=now)
            # Commits with the change and its audit entry: what a retry of this request answers.
            remember(status_action=action, status_of=recording_number, status_previous=change.previous.value,
                     status_changed=int(change.changed))
            return StatusAnswer(
                recording_number=row.recording_number, status=row.status, previous_status=change.previous.value,
                changed=change.changed, reason=row.status_reason, changed_at=row.status_changed_at,
                status_seq=row.status_seq, superseded_by=row.superseded_by,
            )

    async def _done_by_this_request(self, action: str, recording_number: str) -> StatusAnswer | None:
        """The answer of this very request (same Idempotency-Key, same body), whose action
        committed in an attempt that died before answering: the certificate as it stands now,
        with that attempt's previous standing and ``changed``. Checked before anything else: the
        standing the action left would refuse it (or make it a repeat) now."""
        notes = replayed()
        if notes is None or (notes.get("status_action"), notes.get("status_of")) != (action, recording_number):
            return None
        async with read_session(self.sessions) as s:
            row = await repository.get(s, recording_number)
        if row is None:  # records are never deleted
            return None
        return StatusAnswer(
            recording_number=row.recording_number, status=row.status, previous_status=str(notes["status_previous"]),
            changed=bool(notes["status_changed"]), reason=row.status_reason, changed_at=row.status_changed_at,
            status_seq=row.status_seq, superseded_by=row.superseded_by,
        )
