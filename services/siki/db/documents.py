"""What relaying an application's document needs of the application: the LSP it is with."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.siki.db.models import Application
from shared.direct_sql import first_row

_LSP_OF = select(Application.lsp_code).where(Application.id == bindparam("application_id"))


async def lsp_of(conn: AsyncConnection, application_id: str) -> str | None:
    """The code of the LSP the application was submitted to; None if SIKI does not know it."""
    row = await first_row(conn, _LSP_OF, {"application_id": application_id})
    value = None if row is None else row[0]
    return None if value is None else str(value)
