"""``create_record`` (an LSP records an SKK: recording number, signed QR payload, status-list
index, the ``skk.recorded`` event; a renewal or a change supersedes the certificate it replaces)
and ``revoke_record`` (an LPJK operator; usecases/status.py).

A new record leaves an idempotency note (shared/idempotency_marks.py) in its transaction: a
retry of the same keyed request after its process died unanswered is answered from it, as the
request that made the record (201), before any check."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.lpjk_mock.db import repository
from services.lpjk_mock.db.models import AuditEntry, SkkRecord
from services.lpjk_mock.domain import numbers, qr, records, status
from services.lpjk_mock.keys import QrKeyring
from services.lpjk_mock.usecases.status import CertificateStatuses, stage_change
from services.lpjk_mock.usecases.verification import qr_png, verification_url
from shared.audit import Auditor
from shared.bus import utcnow
from shared.contracts.events import Event, SkkRecorded
from shared.contracts.issuance import RecordRequest
from shared.database import read_session
from shared.idempotency_marks import remember, replayed
from shared.reference import ReferenceData, get_reference
from shared.reference.identity import mask_name


class _IndexTaken(Exception):
    """A new record lost a unique index other than its SKK number's to a concurrent one."""


_SUPERSEDED_REASON = "replaced by a renewal or a change"

# Stages an event in the session's transaction (``ServiceRuntime.emit``).
Emit = Callable[[AsyncSession, Event], Any]


@dataclass(frozen=True)
class Recorded:
    """A recorded SKK as its recorder sees it, with the QR code that opens its verification."""

    recording_number: str
    skk_number: str
    registration_number: str
    qr_payload: str
    verification_url: str
    issued_on: date
    valid_until: date
    qr_png: bytes
    created: bool = False  # True only for the request that made the record


class Records:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], emit: Emit, keyring: QrKeyring,
                 public_url: str, *, reference: Callable[[], ReferenceData] = get_reference,
                 clock: Callable[[], datetime] = utcnow, auditor: Auditor | None = None) -> None:
        self.sessions = sessions
        # Operators' revocations are recorded here, in the revocation's transaction.
        self.auditor = auditor or Auditor(AuditEntry)
        self.emit = emit
        self.keyring = keyring
        self.public_url = public_url
        self.reference = reference
        self.clock = clock
        self.statuses = CertificateStatuses(sessions, emit, auditor=self.auditor, clock=clock)

    async def create(self, req: RecordRequest) -> Recorded:
        """The record of ``req.skk_number``: a new one, with its signed QR payload and the
        ``skk.recorded`` event committed in one transaction, or the existing one for a repeat.
        With ``req.replaces`` (a renewal or a change) the certificate it replaces becomes
        ``superseded`` by the new one, with its status event, in the same transaction.

        Raises ``Invalid`` for inconsistent facts and ``RecordChanged`` for a repeat with other
        facts; nothing is stored then. A concurrent twin loses on the unique SKK number, rolls
        back and answers with the winner's record.
        """
        if (made := await self._made_by_this_request(req)) is not None:
            return made
        records.check_record(self.reference(), req)
        for attempt in range(3):
            try:
                return await self._create_once(req)
            except _IndexTaken:
                # A concurrent record drew the same status-list index (a one in 131,072 event):
                # nothing was stored; draw again.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _create_once(self, req: RecordRequest) -> Recorded:
        now = self.clock()
        year = records.wib_date(now).year
        try:
            # One session: the lookup of a repeat and the new record (the common case) share it.
            async with self.sessions() as s, s.begin():
                existing = await repository.find_by_skk(s, req.skk_number)
                if existing is not None and req.replaces is not None and existing.recording_number == req.replaces:
                    existing = None  # a change (perubahan): the SKK number's current certificate is the one replaced
                if existing is None:
                    old = await self._replaced(s, req)
                    existing = await _twin_of_change(s, req, old)
                if existing is None:
                    records.check_replaced(req, _replaced_facts(old))
                    number = self._new_number(year)
                    index = await self._unused_index(s)
                    if old is not None:  # first, so that the new one is the SKK number's only current one
                        change = status.apply(old.status, "supersede")
                        stage_change(s, self.emit, old, change, reason=_SUPERSEDED_REASON, at=now,
                                     superseded_by=number)
                        await s.flush()
                    row = await repository.add(s, self._new_record(req, number, index, now))
                    remember(recorded=number)  # commits with the record (see module)
                    self.emit(s, _skk_recorded(req, number))
        except repository.Duplicate:
            async with read_session(self.sessions) as s:
                existing = await repository.find_by_skk(s, req.skk_number)
            if existing is None:
                raise _IndexTaken from None  # not the SKK number: the index (or a recording number)
        if existing is not None:
            records.check_repeat(existing.facts, req, existing.recording_number, replaces=existing.replaces)
            return self._answer(existing, created=False)
        return self._answer(row, created=True)

    async def _made_by_this_request(self, req: RecordRequest) -> Recorded | None:
        """The record this very request (same Idempotency-Key, same body) made in an attempt that
        died before answering: answered as that attempt would have (created, not a repeat),
        without checking the facts again or recording anything."""
        notes = replayed()
        if notes is None or "recorded" not in notes:
            return None
        async with read_session(self.sessions) as s:
            row = await repository.get(s, str(notes["recorded"]))
        if row is None or row.skk_number != req.skk_number:
            return None  # not this request's: decide afresh
        return self._answer(row, created=True)

    @staticmethod
    async def _replaced(session: AsyncSession, req: RecordRequest) -> SkkRecord | None:
        """The certificate ``req`` replaces (if any), locked until the transaction ends."""
        return None if req.replaces is None else await repository.get_for_update(session, req.replaces)

    async def revoke(self, recording_number: str, reason: str, *, actor: str, client: str | None = None) -> Recorded:
        """Revoke the record (``UnknownRecord`` if there is none; ``TransitionRefused`` if it was
        superseded); revoking again keeps the first revocation. Verification answers ``revoked``
        from then on. Audited (``actor``: the operator); the ``revoke_certificate`` use case."""
        await self.statuses.revoke(recording_number, reason, actor=actor, client=client)
        async with read_session(self.sessions) as s:
            row = await repository.get(s, recording_number)
        assert row is not None  # records are never deleted
        return self._answer(row)

    async def _unused_index(self, session: AsyncSession) -> int:
        """A free status-list index drawn at random (domain.status.draw_index); a concurrent
        twin drawing the same one (a one in 131,072 event) loses on the unique index."""
        taken: set[int] = set()
        while True:
            index = status.draw_index(taken)
            if not await repository.index_taken(session, index):
                return index
            taken.add(index)

    @staticmethod
    def _new_number(year: int) -> str:
        """A fresh random recording number (domain.numbers). Two draws meeting is a one in 2**55
        event per record, harmless without a read before the insert (a round trip per record):
        the primary key refuses the twin, nothing is stored, and :meth:`create` draws again."""
        return numbers.recording_number(year, secrets.token_bytes(numbers.ENTROPY_BYTES))

    def _new_record(self, req: RecordRequest, number: str, index: int, now: datetime) -> SkkRecord:
        token = qr.sign_compact(
            qr.claims(recording_number=number, skk_number=req.skk_number,
                      holder_name_masked=mask_name(req.full_name), jabatan_kerja_code=req.jabatan_kerja_code,
                      valid_from=req.issued_on, valid_until=req.valid_until, status_list_index=index),
            self.keyring.signing_key, self.keyring.key_id,
        )
        return SkkRecord(
            recording_number=number, skk_number=req.skk_number, registration_number=req.registration_number,
            lsp_code=req.lsp_code, application_id=req.application_id, nik=req.nik, full_name=req.full_name,
            klasifikasi_code=req.klasifikasi_code, subklasifikasi_code=req.subklasifikasi_code,
            kualifikasi=req.kualifikasi, jabatan_kerja_code=req.jabatan_kerja_code, jenjang=req.jenjang,
            issued_on=req.issued_on, valid_until=req.valid_until, facts=records.identity_facts(req),
            qr_payload=token, key_id=self.keyring.key_id, recorded_at=now, status="active", status_seq=0,
            replaces=req.replaces, status_list_index=index,
        )

    def _answer(self, row: SkkRecord, *, created: bool = False) -> Recorded:
        url = verification_url(self.public_url, row.recording_number, row.qr_payload)
        return Recorded(
            recording_number=row.recording_number, skk_number=row.skk_number,
            registration_number=row.registration_number, qr_payload=row.qr_payload, verification_url=url,
            issued_on=row.issued_on, valid_until=row.valid_until, qr_png=qr_png(url), created=created,
        )


async def _twin_of_change(session: AsyncSession, req: RecordRequest, old: SkkRecord | None) -> SkkRecord | None:
    """The certificate a concurrent twin of this change just recorded (it superseded ``old``
    under the same SKK number while this one waited for ``old``'s lock), to answer as a repeat."""
    if old is None or old.status != status.SUPERSEDED or old.superseded_by is None:
        return None
    twin = await repository.get(session, old.superseded_by)
    return twin if twin is not None and twin.skk_number == req.skk_number else None


def _replaced_facts(old: SkkRecord | None) -> records.Replaced | None:
    if old is None:
        return None
    return records.Replaced(nik=old.nik, status=old.status, skk_number=old.skk_number,
                            jabatan_kerja_code=old.jabatan_kerja_code, jenjang=old.jenjang,
                            valid_until=old.valid_until)


def _skk_recorded(req: RecordRequest, recording_number: str) -> SkkRecorded:
    return SkkRecorded(
        recording_number=recording_number, skk_number=req.skk_number, registration_number=req.registration_number,
        nik=req.nik, lsp_code=req.lsp_code, application_id=req.application_id,
        klasifikasi_code=req.klasifikasi_code, subklasifikasi_code=req.subklasifikasi_code,
        kualifikasi=req.kualifikasi, jabatan_kerja_code=req.jabatan_kerja_code, jenjang=req.jenjang,
        issued_on=req.issued_on, valid_until=req.valid_until,
    )
