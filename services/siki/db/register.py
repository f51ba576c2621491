"""The register of SKK per NIK, and what a submission's ownership limits count."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Text, and_, bindparam, case, literal, null, select
from sqlalchemy import cast as cast_
from sqlalchemy.ext.asyncio import AsyncSession

from services.siki.db.common import aware
from services.siki.db.models import Application, Lsp, NikBinding, SkkHeld, TimelineEntry
from services.siki.domain.limits import COUNTABLE_STATES, Holding, OwnApplication, RegisterEntry
from shared.contracts.events import SkkRecorded
from shared.contracts.states import IN_PROGRESS_STATES, ApplicationStatus

IN_PROGRESS_VALUES = [st.value for st in IN_PROGRESS_STATES]
COUNTABLE_VALUES = sorted(st.value for st in COUNTABLE_STATES)
_KIND_APP, _KIND_SKK, _KIND_SKK_ENDED = "app", "skk", "skk-ended"
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
           cast_(Application.certificate, Text).label("x"))
    .select_from(Application)
    .outerjoin(TimelineEntry, and_(TimelineEntry.application_id == Application.id,
                                   TimelineEntry.seq == Application.last_seq, Application.status == _NYC))
    .where(Application.nik_index == bindparam("nik"), Application.applicant_user_id == bindparam("account"),
           Application.id != bindparam("exclude_application"), Application.status.in_(COUNTABLE_VALUES))
    .union_all(
        select(case((and_(SkkHeld.revoked.is_(False), SkkHeld.valid_until >= bindparam("today")), literal(_KIND_SKK)),
                    else_=literal(_KIND_SKK_ENDED)),
               SkkHeld.application_id, SkkHeld.kualifikasi, SkkHeld.klasifikasi_code, SkkHeld.subklasifikasi_code,
               SkkHeld.jabatan_kerja_code, literal(""), null(), literal(""))
        .where(SkkHeld.nik_index == bindparam("nik")),
        select(case((Lsp.active, literal(_KIND_LSP_ACTIVE)), else_=literal(_KIND_LSP_INACTIVE)), Lsp.code,
               *[literal("") for _ in range(5)], null(), cast_(Lsp.jabatan_kerja_codes, Text))
        .where(Lsp.code == bindparam("lsp_code")),
        select(literal(_KIND_BINDING), NikBinding.account_id, *[literal("") for _ in range(5)], null(), literal(""))
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
                                       valid_until=_valid_until(r.x)))
        elif r.kind in (_KIND_SKK, _KIND_SKK_ENDED):
            register.append(RegisterEntry(r.id, Holding(r.a, r.b, r.c, r.j, held=True), valid=r.kind == _KIND_SKK))
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
