"""Start-up seeding: the LSP's schemes (from its licence) and, in dev mode, its staff."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from services.lsp.context import LspContext
from services.lsp.db.models import Scheme, Staff
from services.lsp.domain.schemes import build_scheme
from services.lsp.security import hash_password
from shared.bus.envelope import utcnow
from shared.logging import get_logger

log = get_logger(__name__)

# SPEC section 7: admin, asesor1, asesor2, komite. The komite may also assess, which is what
# makes "the komite cannot decide its own assessment" a real rule.
DEV_STAFF: dict[str, list[str]] = {
    "admin": ["admin"],
    "asesor1": ["asesor"],
    "asesor2": ["asesor"],
    "komite": ["komite", "asesor"],
}


async def seed_schemes(ctx: LspContext) -> int:
    licence = ctx.reference.lsps.get(ctx.code)
    if licence is None:
        log.warning("LSP not in the reference data; no schemes seeded", lsp_code=ctx.code)
        return 0
    added = 0
    try:
        async with ctx.runtime.sessions() as session, session.begin():
            for code in licence["jabatan_kerja_codes"]:
                if code not in ctx.reference.jabatan_kerja or await session.get(Scheme, code) is not None:
                    continue  # an existing scheme is the LSP's own data now: never overwritten
                session.add(Scheme(**build_scheme(ctx.reference, code, fees=ctx.settings.scheme_fees,
                                                  default_requirements=ctx.settings.default_requirements)))
                added += 1
    except IntegrityError:
        log.info("schemes seeded concurrently by another replica")
        return 0
    return added


async def seed_dev_staff(ctx: LspContext) -> int:
    if not (ctx.settings.is_dev and ctx.settings.seed_dev_staff):
        return 0
    password = ctx.settings.dev_password.get_secret_value()
    added = 0
    password_hash: str | None = None  # the dev accounts share one password: hashed once (~100 ms each)
    try:
        async with ctx.runtime.sessions() as session, session.begin():
            for username, roles in DEV_STAFF.items():
                if await session.get(Staff, username) is None:
                    password_hash = password_hash or hash_password(password)
                    session.add(Staff(username=username, password_hash=password_hash, roles=roles,
                                      active=True, created_at=utcnow()))
                    added += 1
    except IntegrityError:
        return 0
    return added
