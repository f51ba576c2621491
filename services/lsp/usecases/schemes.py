"""The LSP's certification schemes: listing them, their blank forms (FR.APL.01 and FR.APL.02),
and seeding them at start-up from the LSP's licence (then they are the LSP's own data)."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from services.lsp.db.models import Scheme
from services.lsp.documents.units import seeded_units
from services.lsp.domain.schemes import build_scheme
from services.lsp.usecases.context import LspContext
from shared.database import read_session
from shared.exceptions import NotFound
from shared.logging import get_logger

log = get_logger(__name__)

Form = Literal["apl01", "apl02"]


def scheme_view(s: Scheme) -> dict[str, Any]:
    return {
        "jabatan_kerja_code": s.jabatan_kerja_code, "name": s.name, "klasifikasi_code": s.klasifikasi_code,
        "subklasifikasi_code": s.subklasifikasi_code, "kualifikasi": s.kualifikasi, "jenjang": s.jenjang,
        "requirements": s.requirements, "fee": s.fee, "currency": s.currency, "skkni": s.skkni,
        "forms": {f: f"/api/v1/schemes/{s.jabatan_kerja_code}/forms/{f}" for f in ("apl01", "apl02")},
    }


async def list_schemes(ctx: LspContext, *, limit: int, offset: int) -> dict[str, Any]:
    async with read_session(ctx.sessions) as session:
        rows = (await session.execute(
            select(Scheme).order_by(Scheme.jabatan_kerja_code).limit(limit).offset(offset))).scalars().all()
        total = await session.scalar(select(func.count()).select_from(Scheme))
    return {"lsp_code": ctx.code, "items": [scheme_view(s) for s in rows], "limit": limit, "offset": offset,
            "total": int(total or 0)}


async def scheme_form(ctx: LspContext, jabatan_kerja_code: str, form: Form) -> tuple[bytes, str]:
    """The blank form of a scheme as a PDF, and its file name."""
    async with read_session(ctx.sessions) as session:
        scheme = await session.get(Scheme, jabatan_kerja_code)
    if scheme is None:
        raise NotFound(f"scheme {jabatan_kerja_code!r} not found")
    from services.lsp.documents.forms import apl01_pdf, apl02_pdf  # fpdf2 only when a form is asked for

    pdf = apl01_pdf(scheme, ctx.settings.lsp_name) if form == "apl01" else apl02_pdf(scheme, ctx.settings.lsp_name)
    return pdf, f"FR.APL.{'01' if form == 'apl01' else '02'}-{jabatan_kerja_code}.pdf"


async def seed_schemes(ctx: LspContext) -> int:
    licence = ctx.reference.lsps.get(ctx.code)
    if licence is None:
        log.warning("LSP not in the reference data; no schemes seeded", lsp_code=ctx.code)
        return 0
    added = 0
    try:
        async with ctx.sessions() as session, session.begin():
            for code in licence["jabatan_kerja_codes"]:
                if code not in ctx.reference.jabatan_kerja or await session.get(Scheme, code) is not None:
                    continue  # an existing scheme is the LSP's own data now: never overwritten
                session.add(Scheme(**build_scheme(ctx.reference, code, fees=ctx.settings.scheme_fees,
                                                  default_requirements=ctx.settings.default_requirements,
                                                  units=seeded_units(code))))
                added += 1
    except IntegrityError:
        log.info("schemes seeded concurrently by another replica")
        return 0
    return added
