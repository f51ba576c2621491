"""``create_record`` (an LSP records an SKK: recording number, signed QR payload, the
``skk.recorded`` event) and ``revoke_record`` (an LPJK operator)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.lpjk_mock.db import repository
from services.lpjk_mock.db.models import AuditEntry, SkkRecord
from services.lpjk_mock.domain import numbers, qr, records
from services.lpjk_mock.keys import QrKeyring
from services.lpjk_mock.usecases.verification import qr_png, verification_url
from shared.audit import Auditor
from shared.bus import utcnow
from shared.contracts.events import Event, SkkRecorded
from shared.contracts.issuance import RecordRequest
from shared.reference import ReferenceData, get_reference
from shared.reference.identity import mask_name

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

    async def create(self, req: RecordRequest) -> Recorded:
        """The record of ``req.skk_number``: a new one, with its signed QR payload and the
        ``skk.recorded`` event committed in one transaction, or the existing one for a repeat.

        Raises ``Invalid`` for inconsistent facts and ``RecordChanged`` for a repeat with other
        facts; nothing is stored then. A concurrent twin loses on the unique SKK number, rolls
        back and answers with the winner's record.
        """
        records.check_record(self.reference(), req)
        now = self.clock()
        year = records.wib_date(now).year
        try:
            # One session: the lookup of a repeat and the new record (the common case) share it.
            async with self.sessions() as s, s.begin():
                existing = await repository.find_by_skk(s, req.skk_number)
                if existing is None:
                    number = await self._unused_number(s, year)
                    row = await repository.add(s, self._new_record(req, number, now))
                    self.emit(s, _skk_recorded(req, number))
        except repository.Duplicate:
            async with self.sessions() as s:
                existing = await repository.find_by_skk(s, req.skk_number)
            if existing is None:
                raise
        if existing is not None:
            records.check_repeat(existing.facts, req, existing.recording_number)
            return self._answer(existing, created=False)
        return self._answer(row, created=True)

    async def revoke(self, recording_number: str, reason: str, *, actor: str, client: str | None = None) -> Recorded:
        """Revoke the record (``UnknownRecord`` if there is none); revoking again keeps the first
        revocation. Verification answers ``revoked`` from then on. Audited (``actor``: the operator)."""
        async with self.sessions() as s, s.begin():
            row = await repository.get(s, recording_number)
            if row is None:
                raise records.UnknownRecord(f"no SKK recorded as {recording_number}")
            already = row.revoked_at is not None
            if not already:
                row.revoked_at = self.clock()
                row.revoked_reason = reason
            await self.auditor.record(s, actor=actor, action="record.revoked", target_type="skk_record",
                                      target_id=recording_number, application_id=row.application_id, client=client,
                                      detail={"already_revoked": already, "lsp_code": row.lsp_code})
        return self._answer(row)

    @staticmethod
    async def _unused_number(session: AsyncSession, year: int) -> str:
        """A fresh random recording number (domain.numbers). Two draws meeting is a one in 2**55
        event per record; checking costs one primary-key read and makes it harmless."""
        while True:
            number = numbers.recording_number(year, secrets.token_bytes(numbers.ENTROPY_BYTES))
            if await repository.get(session, number) is None:
                return number

    def _new_record(self, req: RecordRequest, number: str, now: datetime) -> SkkRecord:
        token = qr.sign(
            qr.claims(recording_number=number, skk_number=req.skk_number,
                      holder_name_masked=mask_name(req.full_name), jabatan_kerja_code=req.jabatan_kerja_code,
                      valid_from=req.issued_on, valid_until=req.valid_until),
            self.keyring.signing_key, self.keyring.key_id,
        )
        return SkkRecord(
            recording_number=number, skk_number=req.skk_number, registration_number=req.registration_number,
            lsp_code=req.lsp_code, application_id=req.application_id, nik=req.nik, full_name=req.full_name,
            klasifikasi_code=req.klasifikasi_code, subklasifikasi_code=req.subklasifikasi_code,
            kualifikasi=req.kualifikasi, jabatan_kerja_code=req.jabatan_kerja_code, jenjang=req.jenjang,
            issued_on=req.issued_on, valid_until=req.valid_until, facts=records.identity_facts(req),
            qr_payload=token, key_id=self.keyring.key_id, recorded_at=now,
        )

    def _answer(self, row: SkkRecord, *, created: bool = False) -> Recorded:
        url = verification_url(self.public_url, row.recording_number, row.qr_payload)
        return Recorded(
            recording_number=row.recording_number, skk_number=row.skk_number,
            registration_number=row.registration_number, qr_payload=row.qr_payload, verification_url=url,
            issued_on=row.issued_on, valid_until=row.valid_until, qr_png=qr_png(url), created=created,
        )


def _skk_recorded(req: RecordRequest, recording_number: str) -> SkkRecorded:
    return SkkRecorded(
        recording_number=recording_number, skk_number=req.skk_number, registration_number=req.registration_number,
        nik=req.nik, lsp_code=req.lsp_code, application_id=req.application_id,
        klasifikasi_code=req.klasifikasi_code, subklasifikasi_code=req.subklasifikasi_code,
        kualifikasi=req.kualifikasi, jabatan_kerja_code=req.jabatan_kerja_code, jenjang=req.jenjang,
        issued_on=req.issued_on, valid_until=req.valid_until,
    )
