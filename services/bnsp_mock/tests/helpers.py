from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI

from services.bnsp_mock.app import create_app
from services.bnsp_mock.settings import BnspSettings
from shared.auth import ServiceTokenSigner


def token(caller: str = "lsp:LSP-A", audience: str = "bnsp") -> str:
    """A service token of ``caller``, signed with its own dev key."""
    return ServiceTokenSigner.dev(caller).token(audience)


def auth(caller: str = "lsp:LSP-A", audience: str = "bnsp") -> dict[str, str]:
    return {"Authorization": f"Bearer {token(caller, audience)}"}


def plan(application_id: str = "app-1", lsp_code: str = "LSP-A", **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "lsp_code": lsp_code,
        "application_id": application_id,
        "nik": "3171011708450001",
        "full_name": "Budi Santoso",
        "klasifikasi_code": "SI",
        "subklasifikasi_code": "SI01",
        "kualifikasi": "Teknisi/Analis",
        "jabatan_kerja_code": "SI012022",
        "jenjang": 4,
        "decided_at": datetime(2026, 11, 20, 3, 0, tzinfo=UTC).isoformat(),
    }
    body.update(over)
    return body


@asynccontextmanager
async def running(database_url: str, **settings: Any) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(BnspSettings(database_url=database_url, log_json=False, **settings))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bnsp") as client:
            yield app, client
