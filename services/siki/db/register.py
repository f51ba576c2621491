"""The register of SKK per NIK, and what a submission's ownership limits count."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Text, and_, bindparam, case, literal, null, select, update
from sqlalchemy import cast as cast_
from sqlalchemy.ext.asyncio import AsyncSession

from services.siki.db.common import aware
from services.siki.db.models import Application, Lsp, NikBinding, SkkHeld, SkkStatusParked, TimelineEntry
from services.siki.domain.kinds import HeldSkk
from services.siki.domain.limits import (
    COUNTABLE_STATES,
    Holding,
    OwnApplication,
    RegisterEntry,
    counts_as_held,
    status_change_applies,
)
from shared.contracts.events import CertificateStatusChanged, SkkRecorded
from shared.contracts.states import IN_PROGRESS_STATES, ApplicationStatus, CertificateStatus

IN_PROGRESS_VALUES = [st.value for st in IN_PROGRESS_STATES]
COUNTABLE_VALUES = sorted(st.value for st in COUNTABLE_STATES)
_KIND_APP, _KIND_SKK = "app", "skk"
_KIND_LSP_ACTIVE, _KIND_LSP_INACTIVE, _KIND_BINDING = "lsp", "lsp-inactive", "binding"
_NYC = ApplicationStatus.NOT_YET_COMPETENT.value
# In one round trip, only the columns needed (not the stored submissions): the applications of
# the NIK's account that may count (a Belum Kompeten one with the time of its decision, its last
# step; a recorded one with its certificate), the NIK's SKK in the register (valid or ended), the
# LSP's licence and the account the NIK is bound to. The NIK is bound to the blind-index columns
# (shared/crypto.py BlindIndex): the database sees only its keyed hash.
_STANDING = (
    select(literal(_KIND_APP).label("kind"), Application.id.label("id"), Application.kualifikasi.label("a"),
           Application.klasifikasi_code.label("b"), Application.subklasifikasi_code.label("c"),
           Application.jabatan_kerja_code.label("j"), Application.status.label("st"), TimelineEntry.at.label("at"),
           cast_(Application.certificate, Text).label("x"), Application.previous_recording_number.label("r"))
    .select_from(Application)
    .outerjoin(TimelineEntry, and_(TimelineEntry.application_id == Application.id,
                                   TimelineEntry.seq == Application.last_seq, Application.status == _NYC))
    .where(Application.nik_index == bindparam("nik"), Application.applicant_user_id == bindparam("account"),
           Application.id != bindparam("exclude_application"), Application.status.in_(COUNTABLE_VALUES))
    .union_all(
        # Whether it counts (its status and validity) is the domain's rule: counts_as_held.
        select(literal(_KIND_SKK), SkkHeld.application_id, SkkHeld.kualifikasi, SkkHeld.klasifikasi_code,
               SkkHeld.subklasifikasi_code, SkkHeld.jabatan_kerja_code, SkkHeld.status, null(),
               cast_(SkkHeld.valid_until, Text), SkkHeld.recording_number)
        .where(SkkHeld.nik_index == bindparam("nik")),
        select(case((Lsp.active, literal(_KIND_LSP_ACTIVE)), else_=literal(_KIND_LSP_INACTIVE)), Lsp.code,
               *[literal("") for _ in range(5)], null(), cast_(Lsp.jabatan_kerja_codes, Text), literal(""))
        .where(Lsp.code == bindparam("lsp_code")),
        select(literal(_KIND_BINDING), NikBinding.account_id, *[literal("") for _ in range(5)], null(), literal(""),
               literal(""))
        .where(NikBinding.nik_index == bindparam("nik")),
    )
)


@dataclass(frozen=True)
class Standing:
    """What a NIK's ownership checks need: the LSP's licence (active, jabatan kerja codes; None
    if not registered), the account the NIK is bound to (None: not yet), its SKK in the register
    and the applications of the given account that may count."""

    licence: tuple[bool, list[str]] | None
    bound_account: str | None
    register: list[RegisterEntry]
    applications: list[OwnApplication]


async def standing(s: AsyncSession, *, nik: str, account: str, lsp_code: str, exclude_application: str,
                   today: date) -> Standing:
    rows = (await s.execute(_STANDING, {
        "nik": nik, "account": account, "today": today, "exclude_application": exclude_application,
        "lsp_code": lsp_code,
    })).all()
    licence: tuple[bool, list[str]] | None = None
    bound: str | None = None
    register: list[RegisterEntry] = []
    apps: list[OwnApplication] = []
    for r in rows:
        if r.kind == _KIND_APP:
            apps.append(OwnApplication(r.id, ApplicationStatus(r.st), Holding(r.a, r.b, r.c, r.j),
                                       decided_at=aware(r.at) if r.at is not None else None,
                                       valid_until=_valid_until(r.x), replaces=r.r or None))
        elif r.kind == _KIND_SKK:
            held = counts_as_held(CertificateStatus(r.st), date.fromisoformat(str(r.x)[:10]), today)
            register.append(RegisterEntry(r.id, Holding(r.a, r.b, r.c, r.j, held=True), valid=held,
                                          recording_number=r.r))
        elif r.kind == _KIND_BINDING:
            bound = r.id
        else:
            codes = json.loads(r.x) if r.x else []
            licence = (r.kind == _KIND_LSP_ACTIVE, list(codes or []))
    return Standing(licence, bound, register, apps)


def _valid_until(certificate_json: str | None) -> date | None:
    """The validity in an application's certificate (stored JSON), if it has one."""
    try:
        certificate: Any = json.loads(certificate_json) if certificate_json else None
        return date.fromisoformat(certificate["valid_until"]) if isinstance(certificate, dict) else None
    except (KeyError, TypeError, ValueError):
        return None


async def rows_of_number(s: AsyncSession, *, nik: str, skk_number: str) -> list[HeldSkk]:
    """The register's rows of ``skk_number`` held by ``nik`` (two after a change: the old one
    superseded); none for an SKK of another NIK."""
    rows = (await s.execute(select(SkkHeld).where(SkkHeld.nik_index == nik,  # its blind index
                                                  SkkHeld.skk_number == skk_number))).scalars().all()
    return [HeldSkk(recording_number=k.recording_number, skk_number=k.skk_number,
                    registration_number=k.registration_number, issued_on=k.issued_on, valid_until=k.valid_until,
                    klasifikasi_code=k.klasifikasi_code, subklasifikasi_code=k.subklasifikasi_code,
                    kualifikasi=k.kualifikasi, jabatan_kerja_code=k.jabatan_kerja_code, jenjang=k.jenjang,
                    status=CertificateStatus(k.status)) for k in rows]


async def record_skk(s: AsyncSession, rec: SkkRecorded, now: datetime) -> bool:
    """Enter an SKK in the register; False if it is there already."""
    if await s.get(SkkHeld, rec.recording_number) is not None:
        return False
    s.add(SkkHeld(
        recording_number=rec.recording_number, nik=rec.nik, nik_index=rec.nik, skk_number=rec.skk_number,
        registration_number=rec.registration_number, lsp_code=rec.lsp_code,
        application_id=rec.application_id, klasifikasi_code=rec.klasifikasi_code,
        subklasifikasi_code=rec.subklasifikasi_code, kualifikasi=rec.kualifikasi,
        jabatan_kerja_code=rec.jabatan_kerja_code, jenjang=rec.jenjang, issued_on=rec.issued_on,
        valid_until=rec.valid_until, revoked=False, recorded_at=now,
    ))
    return True


async def apply_status_change(s: AsyncSession, change: CertificateStatusChanged) -> SkkHeld | None:
    """Apply LPJK's status change to the SKK in the register if it is newer than the last one
    applied (the row locked first); the updated row, or None if it is not newer. Raises
    :class:`LookupError` for an SKK not in the register yet (its ``skk.recorded`` is still on
    its way: the event is retried)."""
    row = (await s.execute(select(SkkHeld).where(SkkHeld.recording_number == change.recording_number)
                           .with_for_update())).scalar_one_or_none()
    if row is None:
        raise LookupError(change.recording_number)
    if not status_change_applies(row.status_seq, change.seq):
        return None
    # A conditional update: of two consumers racing past the check, one changes the row.
    done = await s.execute(
        update(SkkHeld).where(SkkHeld.recording_number == row.recording_number, SkkHeld.status_seq < change.seq)
        .values(status=change.status.value, status_seq=change.seq, status_reason=change.reason,
                status_changed_at=change.at, superseded_by=change.superseded_by,
                revoked=change.status == CertificateStatus.REVOKED)
        .execution_options(synchronize_session=False))
    if getattr(done, "rowcount", 1) == 0:
        return None
    await s.refresh(row)
    return row


async def park_status_change(s: AsyncSession, change: CertificateStatusChanged) -> bool:
    """Keep a change for an SKK not in the register yet, if it is newer than one kept already."""
    parked = await s.get(SkkStatusParked, change.recording_number, with_for_update=True)
    if parked is None:
        s.add(SkkStatusParked(recording_number=change.recording_number, seq=change.seq,
                              event=change.model_dump(mode="json")))
        return True
    if not status_change_applies(parked.seq, change.seq):
        return False
    parked.seq, parked.event = change.seq, change.model_dump(mode="json")
    return True


async def take_parked_change(s: AsyncSession, recording_number: str) -> CertificateStatusChanged | None:
    """The change kept for an SKK just entered, removed from the parking."""
    parked = await s.get(SkkStatusParked, recording_number, with_for_update=True)
    if parked is None:
        return None
    await s.delete(parked)
    return CertificateStatusChanged.model_validate(parked.event)
