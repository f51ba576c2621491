"""The register of SKK per NIK, and what a submission's ownership limits count."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import Text, bindparam, case, literal, select
from sqlalchemy import cast as cast_
from sqlalchemy.ext.asyncio import AsyncSession

from services.siki.db.models import Application, Lsp, SkkHeld
from services.siki.domain.limits import Holding
from shared.contracts.events import SkkRecorded
from shared.contracts.states import IN_PROGRESS_STATES

IN_PROGRESS_VALUES = [st.value for st in IN_PROGRESS_STATES]
_KIND_SKK, _KIND_APP, _KIND_LSP_ACTIVE, _KIND_LSP_INACTIVE = "skk", "app", "lsp", "lsp-inactive"
# The LSP's licence, the SKK held (recorded, not expired, not revoked) and the NIK's other
# applications in progress: one round trip, only the columns needed (not the stored submissions).
_LICENCE_AND_HOLDINGS = (
    select(literal(_KIND_SKK).label("kind"), SkkHeld.application_id.label("id"),
           SkkHeld.kualifikasi.label("a"), SkkHeld.klasifikasi_code.label("b"),
           SkkHeld.subklasifikasi_code.label("c"))
    .where(SkkHeld.nik == bindparam("nik"), SkkHeld.revoked.is_(False), SkkHeld.valid_until >= bindparam("today"))
    .union_all(
        select(literal(_KIND_APP), Application.id, Application.kualifikasi, Application.klasifikasi_code,
               Application.subklasifikasi_code)
        .where(Application.nik == bindparam("nik"), Application.id != bindparam("exclude_application"),
               Application.status.in_(IN_PROGRESS_VALUES)),
        select(case((Lsp.active, literal(_KIND_LSP_ACTIVE)), else_=literal(_KIND_LSP_INACTIVE)), Lsp.code,
               cast_(Lsp.jabatan_kerja_codes, Text), literal(""), literal(""))
        .where(Lsp.code == bindparam("lsp_code")),
    )
)


async def licence_and_holdings(s: AsyncSession, lsp_code: str, nik: str, *, exclude_application: str,
                               today: date) -> tuple[tuple[bool, list[str]] | None, list[Holding]]:
    """The LSP's licence (active, jabatan kerja codes; None if not registered) and what the NIK
    holds: its valid SKK and its other applications in progress (an application whose SKK is
    already in the register counts once, as the SKK)."""
    rows = (await s.execute(_LICENCE_AND_HOLDINGS, {
        "nik": nik, "today": today, "exclude_application": exclude_application, "lsp_code": lsp_code,
    })).all()
    lsp: tuple[bool, list[str]] | None = None
    skk, apps = [], []
    for r in rows:
        if r.kind == _KIND_SKK:
            skk.append(r)
        elif r.kind == _KIND_APP:
            apps.append(r)
        else:
            codes = json.loads(r.a) if r.a else []
            lsp = (r.kind == _KIND_LSP_ACTIVE, list(codes or []))
    recorded_apps = {k.id for k in skk}
    held = [Holding(k.a, k.b, k.c) for k in skk if k.id != exclude_application]
    held += [Holding(a.a, a.b, a.c) for a in apps if a.id not in recorded_apps]
    return lsp, held


async def record_skk(s: AsyncSession, rec: SkkRecorded, now: datetime) -> bool:
    """Enter an SKK in the register; False if it is there already."""
    if await s.get(SkkHeld, rec.recording_number) is not None:
        return False
    s.add(SkkHeld(
        recording_number=rec.recording_number, nik=rec.nik, skk_number=rec.skk_number,
        registration_number=rec.registration_number, lsp_code=rec.lsp_code,
        application_id=rec.application_id, klasifikasi_code=rec.klasifikasi_code,
        subklasifikasi_code=rec.subklasifikasi_code, kualifikasi=rec.kualifikasi,
        jabatan_kerja_code=rec.jabatan_kerja_code, jenjang=rec.jenjang, issued_on=rec.issued_on,
        valid_until=rec.valid_until, revoked=False, recorded_at=now,
    ))
    return True
