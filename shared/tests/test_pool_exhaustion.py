"""When every database connection stays busy for the pool's whole wait, the caller gets a
503 problem with ``Retry-After`` (an overload: come back), not a 500 (a bug), and the log says
so as a warning without a traceback."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shared.errors import install_problem_handlers


async def test_an_exhausted_pool_answers_503_with_retry_after(tmp_path: Path,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}", pool_size=1, max_overflow=0,
                                 pool_timeout=0.2)
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/read")
    async def read() -> dict[str, int]:
        async with engine.connect() as conn:
            return {"one": (await conn.execute(text("SELECT 1"))).scalar_one()}

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert (await client.get("/read")).json() == {"one": 1}
            async with engine.connect() as held:  # the only connection, busy for the whole wait
                await held.execute(text("SELECT 1"))
                with caplog.at_level(logging.WARNING):
                    busy = await client.get("/read")
            assert busy.status_code == 503
            assert busy.headers["content-type"] == "application/problem+json"
            assert busy.headers["retry-after"] == "1"
            assert busy.json()["detail"] == "the service is busy; try again shortly"
            assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
            assert (await client.get("/read")).status_code == 200  # released: served again
    finally:
        await engine.dispose()
