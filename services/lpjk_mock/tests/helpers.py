from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import httpx
from fastapi import FastAPI

from services.lpjk_mock.app import create_app
from services.lpjk_mock.domain import qr, qr_compact
from services.lpjk_mock.settings import LpjkSettings
from shared.auth import ServiceTokenSigner

NIK = "3171011708450001"


def auth(caller: str = "lsp:LSP-A", audience: str = "lpjk") -> dict[str, str]:
    return {"Authorization": f"Bearer {ServiceTokenSigner.dev(caller).token(audience)}"}


def record_body(skk_number: str = "SI012022.4.2026.0000001", application_id: str = "app-1",
                lsp_code: str = "LSP-A", **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "lsp_code": lsp_code,
        "application_id": application_id,
        "skk_number": skk_number,
        "registration_number": "BNSP/" + lsp_code + "/2026/" + skk_number.rsplit(".", 1)[-1],
        "nik": NIK,
        "full_name": "Budi Santoso",
        "klasifikasi_code": "SI",
        "subklasifikasi_code": "SI01",
        "kualifikasi": "Teknisi/Analis",
        "jabatan_kerja_code": "SI012022",
        "jenjang": 4,
        "issued_on": date.today().isoformat(),
        "valid_until": date.today().replace(year=date.today().year + 5).isoformat(),
    }
    body.update(over)
    return body


@asynccontextmanager
async def running(database_url: str, **settings: Any) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(LpjkSettings(database_url=database_url, log_json=False, **settings))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://lpjk") as client:
            yield app, client


def qr_claims(payload: str, kid: str = "lpjk-dev-1") -> dict[str, Any]:
    """The claims of a QR payload LPJK signed with its dev key (the JWS's shape, either form)."""
    check = qr.verify(payload, {kid: qr.dev_signing_key().public_key()})
    assert check.valid and check.claims is not None, check
    return check.claims


def qr_compact_kid(payload: str) -> str:
    """The kid a compact payload names (not verified)."""
    return qr_compact.open_sign1(qr.extract_token(payload))[0]


def tamper(payload: str, at: int) -> str:
    """The compact payload with the byte pair written at character ``at`` changed (by one, so the
    text still decodes): a claim changed when ``at`` is early, the signature when it is late."""
    i = at - at % 3
    value = qr_compact.ALPHABET.index(payload[i])
    changed = qr_compact.ALPHABET[value - 1 if value else 1]
    return payload[:i] + changed + payload[i + 1:]
