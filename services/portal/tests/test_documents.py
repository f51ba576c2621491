"""upload_document and fetch_document."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import func, select

from services.portal.db.models import Document
from services.portal.tests.factories import JPEG_BYTES, PDF_BYTES, PNG_BYTES, Portal, portal_settings, running_portal
from shared.auth import ServiceTokenSigner
from shared.settings import DEV_SERVICE_TOKEN_SECRET

PROBLEM = "application/problem+json"


async def count_documents(portal: Portal) -> int:
    async with portal.runtime.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(Document))).scalar_one())


def stored_files(portal: Portal) -> list[Path]:
    root = Path(portal.settings.document_dir)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def test_upload_by_content(portal: Portal, applicant: dict[str, str]) -> None:
    for data, ctype in [(PDF_BYTES, "application/pdf"), (PNG_BYTES, "image/png"), (JPEG_BYTES, "image/jpeg")]:
        # The declared name and type are ignored: only the bytes count.
        r = await portal.upload(applicant, "ktp", data, "scan.txt", "text/plain")
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["content_type"] == ctype and body["size"] == len(data) and body["kind"] == "ktp"
        assert body["sha256"] == hashlib.sha256(data).hexdigest()
        path = Path(portal.settings.document_dir) / body["sha256"][:2] / body["sha256"]
        assert path.read_bytes() == data


async def test_same_bytes_are_stored_once(portal: Portal, applicant: dict[str, str]) -> None:
    a = (await portal.upload(applicant, "ktp")).json()
    b = (await portal.upload(applicant, "npwp")).json()
    assert a["id"] != b["id"] and a["sha256"] == b["sha256"]
    assert len(stored_files(portal)) == 1
    assert await count_documents(portal) == 2


async def test_refused_uploads_store_nothing(tmp_path: Path, sqlite_url: str) -> None:
    async with running_portal(portal_settings(tmp_path, sqlite_url, max_upload_bytes=1024)) as portal:
        headers = await portal.applicant()
        r = await portal.upload(headers, "ktp", b"plain text, not a pdf at all", "x.pdf", "application/pdf")
        assert r.status_code == 415 and r.headers["content-type"] == PROBLEM and r.json()["field"] == "file"
        r = await portal.upload(headers, "ktp", PDF_BYTES + b"0" * 2000)
        assert r.status_code == 413 and r.json()["field"] == "file"
        r = await portal.upload(headers, "ktp", b"")
        assert r.status_code == 422 and r.json()["field"] == "file"
        r = await portal.upload(headers, "selfie")
        assert r.status_code == 422 and r.json()["field"] == "kind"
        r = await portal.client.post("/api/v1/documents", headers=headers, data={"kind": "ktp"})
        assert r.status_code == 422 and r.json()["field"] == "file"
        r = await portal.upload({}, "ktp")
        assert r.status_code == 401
        assert await count_documents(portal) == 0
        assert stored_files(portal) == []
        # Exactly at the limit is fine.
        r = await portal.upload(headers, "ktp", PDF_BYTES + b"0" * (1024 - len(PDF_BYTES)))
        assert r.status_code == 201


def service_headers(caller: str, audience: str = "portal", secret: str = DEV_SERVICE_TOKEN_SECRET) -> dict[str, str]:
    return {"Authorization": f"Bearer {ServiceTokenSigner(caller, secret).token(audience)}"}


async def test_fetch_document_for_siki_and_lsps_only(portal: Portal, applicant: dict[str, str]) -> None:
    doc = (await portal.upload(applicant, "ktp", PNG_BYTES, "a.png", "image/png")).json()
    path = f"/api/v1/internal/documents/{doc['id']}"
    # An LSP sees an applicant's documents only once the applicant chose that LSP.
    assert (await portal.client.get(path, headers=service_headers("lsp:LSP-A"))).status_code == 404
    await portal.complete_draft(applicant)  # its qualification names LSP-A
    assert (await portal.client.get(path, headers=service_headers("lsp:LSP-B"))).status_code == 404
    for caller in ("siki", "lsp:LSP-A"):
        r = await portal.client.get(path, headers=service_headers(caller))
        assert r.status_code == 200 and r.content == PNG_BYTES and r.headers["content-type"] == "image/png"
    assert (await portal.client.get(path, headers=service_headers("bnsp"))).status_code == 403
    assert (await portal.client.get(path, headers=service_headers("siki", audience="siki"))).status_code == 401
    assert (await portal.client.get(path, headers=service_headers("siki", secret="x" * 40))).status_code == 401
    assert (await portal.client.get(path, headers=applicant)).status_code == 401
    assert (await portal.client.get(path)).status_code == 401
    r = await portal.client.get("/api/v1/internal/documents/nope", headers=service_headers("siki"))
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM
