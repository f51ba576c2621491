"""upload_document and fetch_document."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import httpx
import respx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from scripts.simulator.files import tiny_pdf
from services.portal.db.models import Document, DocumentReference
from services.portal.tests.factories import (
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    Portal,
    all_sections,
    personal,
    portal_settings,
    qualification,
    running_portal,
)
from shared.auth import ServiceTokenSigner

PROBLEM = "application/problem+json"
SIKI = "http://siki.test/api/v1/applications"


async def count_documents(portal: Portal) -> int:
    async with portal.runtime.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(Document))).scalar_one())


def stored_files(portal: Portal) -> list[Path]:
    root = Path(portal.settings.document_dir)
    # Not the store's own marker (.sealed-v1: no file left from before encryption).
    return [p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")] if root.exists() else []


async def test_upload_by_content(portal: Portal, applicant: dict[str, str]) -> None:
    for data, ctype in [(PDF_BYTES, "application/pdf"), (PNG_BYTES, "image/png"), (JPEG_BYTES, "image/jpeg")]:
        # The declared name and type are ignored: only the bytes count.
        r = await portal.upload(applicant, "ktp", data, "scan.txt", "text/plain")
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["content_type"] == ctype and body["size"] == len(data) and body["kind"] == "ktp"
        assert body["sha256"] == hashlib.sha256(data).hexdigest()
        # Stored encrypted (issue 12), under a keyed name rather than the digest; read back whole.
        store = portal.app.state.portal.usecases.documents.store
        path = store.path(body["sha256"])
        assert path.exists() and body["sha256"] not in str(path) and path.read_bytes()[:8] != data[:8]
        assert await store.get(body["sha256"]) == data


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
        r = await portal.upload(headers, "ktp", PDF_BYTES + b"\n" * (1024 - len(PDF_BYTES)))  # whitespace may end a PDF
        assert r.status_code == 201


def service_headers(caller: str, audience: str = "portal", signer: ServiceTokenSigner | None = None) -> dict[str, str]:
    """A service token of ``caller``, signed with its own dev key unless ``signer`` says otherwise."""
    return {"Authorization": f"Bearer {(signer or ServiceTokenSigner.dev(caller)).token(audience)}"}


async def test_fetch_document_for_siki_and_lsps_only(portal: Portal, applicant: dict[str, str]) -> None:
    app_id, docs = await portal.complete_draft(applicant)  # its qualification names LSP-A
    path = f"/api/v1/internal/documents/{docs['photo']}"
    # A draft's documents are not the LSP's yet; once submitted to LSP-A, LSP-A (only) reads them.
    assert (await portal.client.get(path, headers=service_headers("lsp:LSP-A"))).status_code == 404
    await submit(portal, applicant, app_id)
    assert (await portal.client.get(path, headers=service_headers("lsp:LSP-B"))).status_code == 404
    for caller in ("siki", "lsp:LSP-A"):
        r = await portal.client.get(path, headers=service_headers(caller))
        assert r.status_code == 200 and r.content == PNG_BYTES and r.headers["content-type"] == "image/png"
    assert (await portal.client.get(path, headers=service_headers("bnsp"))).status_code == 403
    assert (await portal.client.get(path, headers=service_headers("siki", audience="siki"))).status_code == 401
    not_sikis_key = ServiceTokenSigner("siki", Ed25519PrivateKey.generate(), "dev:siki")
    assert (await portal.client.get(path, headers=service_headers("siki", signer=not_sikis_key))).status_code == 401
    assert (await portal.client.get(path, headers=applicant)).status_code == 401
    assert (await portal.client.get(path)).status_code == 401
    r = await portal.client.get("/api/v1/internal/documents/nope", headers=service_headers("siki"))
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM


async def submit(portal: Portal, headers: dict[str, str], app_id: str) -> None:
    with respx.mock:
        respx.post(SIKI).mock(return_value=httpx.Response(202, json={}))
        r = await portal.client.post(f"/api/v1/applications/{app_id}/submit", headers=headers)
    assert r.status_code == 200 and r.json()["status"] == "submitted", r.text


async def fetch(portal: Portal, caller: str, document_id: str) -> httpx.Response:
    return await portal.client.get(f"/api/v1/internal/documents/{document_id}", headers=service_headers(caller))


async def assert_hidden(portal: Portal, caller: str, document_id: str) -> None:
    """Refused exactly as an unknown id is: nothing tells the LSP the document exists."""
    r = await fetch(portal, caller, document_id)
    unknown = await fetch(portal, caller, str(uuid.uuid4()))
    assert r.status_code == unknown.status_code == 404 and r.headers["content-type"] == PROBLEM
    def same(body: dict[str, object]) -> dict[str, object]:
        return {k: v for k, v in body.items() if k != "instance"}  # the path, which names the id asked for
    assert same(r.json()) == same(unknown.json()) and r.json()["field"] == "document_id"


async def test_an_lsp_reads_only_what_an_application_sent_to_it_references(
        portal: Portal, applicant: dict[str, str]) -> None:
    stray = (await portal.upload(applicant, "ktp", tiny_pdf("stray"))).json()["id"]
    # Application A, to LSP-A, submitted.
    app_a, docs_a = await portal.complete_draft(applicant)
    await submit(portal, applicant, app_a)
    # Application B of the same applicant, other documents, to LSP-B, submitted.
    docs_b = await portal.upload_all(applicant)
    app_b = await portal.draft(applicant)
    sections_b = {**all_sections(docs_b), "qualification": qualification(
        docs_b, lsp_code="LSP-B", kualifikasi="Ahli", jabatan_kerja_code="SI011002", jenjang=7,
        tuk_code="TUK-B-01", asosiasi_code="PII")}
    for name, payload in sections_b.items():
        r = await portal.client.put(f"/api/v1/applications/{app_b}/sections/{name}", headers=applicant, json=payload)
        assert r.status_code == 200, r.text
    await submit(portal, applicant, app_b)
    # Application C, to LSP-A, still a draft.
    _, docs_c = await portal.complete_draft(applicant)

    for doc_id in docs_a.values():  # every section, every item
        assert (await fetch(portal, "lsp:LSP-A", doc_id)).status_code == 200
        await assert_hidden(portal, "lsp:LSP-B", doc_id)
    for doc_id in docs_b.values():
        assert (await fetch(portal, "lsp:LSP-B", doc_id)).status_code == 200
        await assert_hidden(portal, "lsp:LSP-A", doc_id)  # same applicant, another LSP's application
    for doc_id in docs_c.values():
        await assert_hidden(portal, "lsp:LSP-A", doc_id)  # a draft's
    await assert_hidden(portal, "lsp:LSP-A", stray)  # referenced by nothing
    await assert_hidden(portal, "lsp:LSP-B", stray)
    # SIKI routes every document.
    for doc_id in [stray, *docs_a.values(), *docs_b.values(), *docs_c.values()]:
        assert (await fetch(portal, "siki", doc_id)).status_code == 200


async def test_a_document_dropped_from_the_sections_is_no_longer_the_lsps(
        portal: Portal, applicant: dict[str, str]) -> None:
    app_id, docs = await portal.complete_draft(applicant)
    new_ktp = (await portal.upload(applicant, "ktp", tiny_pdf("new ktp"))).json()["id"]
    r = await portal.client.put(f"/api/v1/applications/{app_id}/sections/personal", headers=applicant,
                                json=personal({**docs, "ktp": new_ktp}))
    assert r.status_code == 200, r.text
    await submit(portal, applicant, app_id)
    assert (await fetch(portal, "lsp:LSP-A", new_ktp)).status_code == 200
    await assert_hidden(portal, "lsp:LSP-A", docs["ktp"])
    assert (await fetch(portal, "lsp:LSP-A", docs["npwp"])).status_code == 200
    async with portal.runtime.sessions() as s:
        refs = set((await s.execute(select(DocumentReference.document_id)
                                    .where(DocumentReference.application_id == app_id))).scalars().all())
    assert refs == {*docs.values(), new_ktp} - {docs["ktp"]}
