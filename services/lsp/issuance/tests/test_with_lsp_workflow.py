"""The issuance steps inside the real LSP app (its workflow, its reports to SIKI), against the
real BNSP and LPJK apps."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import respx
from fastapi import FastAPI
from pypdf import PdfReader
from sqlalchemy import func, select

from services.bnsp_mock.app import create_app as bnsp_app
from services.bnsp_mock.settings import BnspSettings
from services.lpjk_mock.app import create_app as lpjk_app
from services.lpjk_mock.db.models import SkkRecord
from services.lpjk_mock.settings import LpjkSettings
from services.lsp.issuance.models import Issuance
from services.lsp.tests.support import SIKI_URL, drive, eligible, running, settings_for


def forward_to(app: FastAPI) -> Callable[[httpx.Request], Awaitable[httpx.Response]]:
    transport = httpx.ASGITransport(app=app)

    async def forward(request: httpx.Request) -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://authority") as client:
            r = await client.request(request.method, request.url.path, content=request.content,
                                     headers={k: v for k, v in request.headers.items() if k != "host"})
        return httpx.Response(r.status_code, content=r.content, headers=r.headers)

    return forward


@asynccontextmanager
async def authorities(tmp_path: Path) -> AsyncIterator[tuple[FastAPI, FastAPI, respx.MockRouter]]:
    bnsp = bnsp_app(BnspSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/bnsp.db", log_json=False))
    lpjk = lpjk_app(LpjkSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/lpjk.db", log_json=False))
    async with bnsp.router.lifespan_context(bnsp), lpjk.router.lifespan_context(lpjk):
        with respx.mock(assert_all_called=False) as mock:
            mock.post(url__startswith=SIKI_URL, name="siki").return_value = httpx.Response(200, json={"ok": True})
            mock.get(url__startswith=SIKI_URL, url__regex=r"/eligibility$").mock(side_effect=eligible)
            mock.route(url__startswith="http://bnsp.test", name="bnsp").mock(side_effect=forward_to(bnsp))
            mock.route(url__startswith="http://lpjk.test", name="lpjk").mock(side_effect=forward_to(lpjk))
            yield bnsp, lpjk, mock


async def test_kompeten_to_certificate_issued_through_the_lsp_workflow(tmp_path: Path, sqlite_url: str) -> None:
    async with authorities(tmp_path) as (bnsp, lpjk, mock), running(settings_for(sqlite_url)) as lsp:
        aid = await drive(lsp, "competent")
        deadline = time.monotonic() + 20
        while (view := await lsp.get(aid))["status"] != "certificate_issued":
            assert time.monotonic() < deadline, view["status"]
            await asyncio.sleep(0.05)
        statuses = [t["status"] for t in view["timeline"]]
        assert statuses[-4:] == ["competent", "skk_numbered", "recorded", "certificate_issued"]
        assert all(t["actor"] == "LSP-A/system" for t in view["timeline"][-3:])
        assert mock["bnsp"].call_count == 1 and mock["lpjk"].call_count == 1

        async with lsp.app.state.lsp.sessions() as s:
            row = await s.get(Issuance, aid)
        assert row is not None and row.pdf is not None
        async with lpjk.state.runtime.sessions() as s:
            assert (await s.execute(select(func.count()).select_from(SkkRecord))).scalar_one() == 1

        # SIKI got the certificate with certificate_issued, the signed PDF included.
        view = await lsp.wait_reports_sent(aid)
        bodies = [json.loads(c.request.content) for c in mock["siki"].calls]
        issued = [b for b in bodies if b["status"] == "certificate_issued"]
        assert len(issued) == 1
        pdf = base64.b64decode(issued[0]["certificate_pdf_base64"])
        assert pdf == row.pdf
        assert issued[0]["certificate"]["pdf_sha256"] == hashlib.sha256(pdf).hexdigest()
        assert issued[0]["certificate"]["recording_number"] == row.recording_number
        recorded = [b for b in bodies if b["status"] == "recorded"]
        assert recorded and recorded[0]["certificate"]["qr_payload"] == row.qr_payload
        text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        assert "Budi Santoso" in text and row.skk_number in text and bnsp is not None
