"""For tests that count round trips on PostgreSQL: asyncpg sends ``BEGIN``, ``COMMIT`` and
``ROLLBACK`` (and other statements without parameters) through ``Connection.execute``."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest


def simple_queries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, every query asyncpg sends through ``Connection.execute``, in order."""
    sent: list[str] = []
    execute = asyncpg.Connection.execute

    async def counted(self: asyncpg.Connection, query: str, *args: Any, **kwargs: Any) -> Any:
        sent.append(query)
        return await execute(self, query, *args, **kwargs)

    monkeypatch.setattr(asyncpg.Connection, "execute", counted)
    return sent
