"""SKK records: find, and record (idempotent per SKK number) with the skk.recorded event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.lpjk_mock.db.models import NumberCounter, SkkRecord
from services.lpjk_mock.domain import qr, records
from services.lpjk_mock.keys import QrKeyring
from shared.contracts.events import SKK_RECORDED, SkkRecorded
from shared.contracts.issuance import RecordRequest
from shared.errors import Problem
from shared.reference.identity import mask_name
from shared.runtime import ServiceRuntime
from shared.sequences import next_value


async def find_by_skk(session: AsyncSession, skk_number: str) -> SkkRecord | None:
    return (
        await session.execute(select(SkkRecord).where(SkkRecord.skk_number == skk_number))
    ).scalar_one_or_none()


def _same_record_or_conflict(existing: SkkRecord, req: RecordRequest) -> SkkRecord:
    changed = records.differing_fields(existing.facts, records.identity_facts(req))
    if changed:
        raise Problem(
            409,
            f"SKK {req.skk_number} is already recorded with other facts ({', '.join(changed)})",
            errors=[{"field": f, "message": "differs from the SKK already recorded"} for f in changed],
            recording_number=existing.recording_number,
        )
    return existing


async def record(runtime: ServiceRuntime, req: RecordRequest, keyring: QrKeyring,
                 now: datetime) -> tuple[SkkRecord, bool]:
    """The record of ``req.skk_number``: the existing one, or a new one with its signed QR
    payload and the ``skk.recorded`` event staged in the same transaction.

    Returns ``(record, created)``; a concurrent twin loses on the unique SKK number and returns
    the winner's record.
    """
    year = records.wib_date(now).year
    try:
        # One session: the lookup of a repeat and the new record (the common case) share it.
        async with runtime.sessions() as s, s.begin():
            existing = await find_by_skk(s, req.skk_number)
            if existing is None:
                number = records.recording_number(year, await next_value(s, NumberCounter, records.counter_name(year)))
                token = qr.sign(
                    qr.claims(recording_number=number, skk_number=req.skk_number,
                              holder_name_masked=mask_name(req.full_name), jabatan_kerja_code=req.jabatan_kerja_code,
                              valid_from=req.issued_on, valid_until=req.valid_until),
                    keyring.signing_key, keyring.key_id,
                )
                row = SkkRecord(
                    recording_number=number, skk_number=req.skk_number, registration_number=req.registration_number,
                    lsp_code=req.lsp_code, application_id=req.application_id, nik=req.nik, full_name=req.full_name,
                    klasifikasi_code=req.klasifikasi_code, subklasifikasi_code=req.subklasifikasi_code,
                    kualifikasi=req.kualifikasi, jabatan_kerja_code=req.jabatan_kerja_code, jenjang=req.jenjang,
                    issued_on=req.issued_on, valid_until=req.valid_until, facts=records.identity_facts(req),
                    qr_payload=token, key_id=keyring.key_id, recorded_at=now,
                )
                s.add(row)
                await s.flush()
                event = SkkRecorded(
                    recording_number=number, skk_number=req.skk_number, registration_number=req.registration_number,
                    nik=req.nik, lsp_code=req.lsp_code, application_id=req.application_id,
                    klasifikasi_code=req.klasifikasi_code, subklasifikasi_code=req.subklasifikasi_code,
                    kualifikasi=req.kualifikasi, jabatan_kerja_code=req.jabatan_kerja_code, jenjang=req.jenjang,
                    issued_on=req.issued_on, valid_until=req.valid_until,
                )
                runtime.emit(s, SKK_RECORDED, event.model_dump(mode="json"), application_id=req.application_id)
    except IntegrityError:
        async with runtime.sessions() as s:
            existing = await find_by_skk(s, req.skk_number)
        if existing is None:
            raise
        return _same_record_or_conflict(existing, req), False
    if existing is not None:
        return _same_record_or_conflict(existing, req), False
    return row, True


async def revoke(runtime: ServiceRuntime, recording_number: str, reason: str, now: datetime) -> SkkRecord:
    async with runtime.sessions() as s, s.begin():
        row = await s.get(SkkRecord, recording_number)
        if row is None:
            raise Problem(404, f"no SKK recorded as {recording_number}")
        if row.revoked_at is None:
            row.revoked_at = now
            row.revoked_reason = reason
        return row
