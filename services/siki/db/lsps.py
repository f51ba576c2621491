"""The LSP registry: licences and webhook credentials."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from services.siki.db.common import AnyRow
from services.siki.db.models import Lsp
from shared.direct_sql import first_row

# An inactive LSP's key authenticates nothing.
_BY_KEY = select(Lsp.code, Lsp.api_key_sha256).where(Lsp.api_key_sha256 == bindparam("digest"), Lsp.active.is_(True))


async def by_api_key_digest(conn: AsyncConnection, digest: str) -> AnyRow | None:
    # Every call of an LSP looks its key up: on the driver's connection directly (shared/direct_sql.py).
    return await first_row(conn, _BY_KEY, {"digest": digest})


async def get(s: AsyncSession, code: str, *, lock: bool = False) -> Lsp | None:
    return await s.get(Lsp, code, with_for_update=lock)


async def page_of_lsps(s: AsyncSession, *, limit: int, offset: int) -> tuple[list[Lsp], int]:
    """One page of the registry by code, and how many LSPs it holds."""
    rows = list((await s.execute(select(Lsp).order_by(Lsp.code).limit(limit).offset(offset))).scalars())
    return rows, int(await s.scalar(select(func.count()).select_from(Lsp)) or 0)
