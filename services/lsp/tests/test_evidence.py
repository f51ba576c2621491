"""get_application_document (SPEC section 8, "Evidence"): staff of this LSP open a document of an
application submitted to it, fetched through SIKI with this LSP's own key, checked against the
SHA-256 of the submission's reference, answered inline and never cached, every view audited. An
unknown application or document is 404 (another LSP's application is unknown here), a changed
file is refused, and SIKI or the portal being down is a clear 503."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from services.lsp.domain.evidence import PAYMENT_PROOF, SECTION, find_evidence, matches, shown_as
from services.lsp.tests.support import Lsp, drive, running, settings_for, submission
from shared.devdefaults import dev_api_key

DOCS_PATH = r"^/api/v1/applications/(?P<app>[^/]+)/documents/(?P<doc>[^/]+)$"
PROBLEM = "application/problem+json"
KTP = b"%PDF-1.4\n% KTP Budi\n%%EOF\n"
PHOTO = b"\x89PNG\r\n\x1a\n photo of Budi"
PROOF = b"%PDF-1.4\n% bukti transfer\n%%EOF\n"
FILES = {"doc-ktp": KTP, "doc-photo": PHOTO, "doc-proof": PROOF}


def ref(doc_id: str, kind: str, data: bytes, content_type: str) -> dict[str, Any]:
    return {"id": doc_id, "kind": kind, "sha256": hashlib.sha256(data).hexdigest(), "content_type": content_type,
            "size": len(data), "url": f"http://portal.test/api/v1/internal/documents/{doc_id}",
            "uploaded_at": "2026-01-02T03:04:05+00:00"}


def siki_document(request: httpx.Request, app: str, doc: str) -> httpx.Response:
    """SIKI relaying the portal's bytes (with the type the portal stored)."""
    data = FILES.get(doc)
    if data is None:
        return httpx.Response(404, json={"title": "Not Found", "status": 404, "detail": "document not found"},
                              headers={"content-type": PROBLEM})
    content_type = "image/png" if doc == "doc-photo" else "application/pdf"
    return httpx.Response(200, content=data, headers={"content-type": content_type, "cache-control": "no-store"})


@pytest.fixture
def documents(siki_router: respx.MockRouter) -> respx.Route:
    return siki_router.get(path__regex=DOCS_PATH, name="fetch_application_document").mock(side_effect=siki_document)


@pytest.fixture
async def lsp(sqlite_url: str, siki: respx.Route, documents: respx.Route) -> AsyncIterator[Lsp]:
    async with running(settings_for(sqlite_url)) as instance:
        yield instance


async def received(lsp: Lsp) -> str:
    """An application whose submission referenced a KTP (PDF) and a photo (PNG)."""
    sub = submission()
    sub["documents"] = [ref("doc-ktp", "ktp", KTP, "application/pdf"), ref("doc-photo", "photo", PHOTO, "image/png")]
    r = await lsp.webhook("application.submitted", sub)
    assert r.status_code == 200, r.text
    return str(sub["id"])


async def open_doc(lsp: Lsp, aid: str, doc_id: str, user: str | None = "admin") -> httpx.Response:
    headers = await lsp.as_(user) if user else {}
    return await lsp.client.get(f"/api/v1/applications/{aid}/documents/{doc_id}", headers=headers)


async def audit(lsp: Lsp, **filters: Any) -> list[dict[str, Any]]:
    r = await lsp.client.get("/api/v1/audit-events", params={"limit": 200, **filters}, headers=await lsp.as_("admin"))
    assert r.status_code == 200, r.text
    return list(r.json())


async def test_staff_open_each_document_inline_checked_and_audited(lsp: Lsp, documents: respx.Route) -> None:
    aid = await received(lsp)
    view = await lsp.get(aid)
    shown = {d["id"]: d for d in view["documents"]}
    assert shown["doc-ktp"]["kind"] == "ktp" and shown["doc-ktp"]["size"] == len(KTP)
    assert shown["doc-ktp"]["sha256"] == hashlib.sha256(KTP).hexdigest()
    assert shown["doc-ktp"]["content_type"] == "application/pdf"
    assert shown["doc-ktp"]["uploaded_at"].startswith("2026-01-02T03:04:05")

    r = await open_doc(lsp, aid, "doc-ktp")
    assert r.status_code == 200, r.text
    assert r.content == KTP and r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == 'inline; filename="ktp-doc-ktp.pdf"'
    assert r.headers["cache-control"] == "no-store" and r.headers["x-content-type-options"] == "nosniff"
    r = await open_doc(lsp, aid, "doc-photo", user="komite")
    assert r.status_code == 200 and r.content == PHOTO and r.headers["content-type"] == "image/png"
    # Through SIKI, with this LSP's own key, for this application.
    asked = documents.calls.last.request
    assert asked.url.path == f"/api/v1/applications/{aid}/documents/doc-photo"
    assert asked.headers["authorization"] == f"Bearer {dev_api_key('LSP-A')}"

    viewed = await audit(lsp, application_id=aid, action="application.document_viewed")
    assert sorted((e["actor"], e["target_id"]) for e in viewed) == [
        ("staff:LSP-A:admin", "doc-ktp"), ("staff:LSP-A:komite", "doc-photo")]
    assert all(e["target_type"] == "document" and e["detail"]["source"] == SECTION for e in viewed)


async def test_the_payment_proof_is_opened_the_same_way(lsp: Lsp) -> None:
    aid = await drive(lsp, "invoiced")
    r = await lsp.webhook("payment.proof_uploaded", {
        "application_id": aid, "proof_no": 1, "document": ref("doc-proof", "payment_proof", PROOF, "application/pdf"),
        "uploaded_at": datetime.now(UTC).isoformat()})
    assert r.status_code == 200, r.text
    r = await open_doc(lsp, aid, "doc-proof")
    assert r.status_code == 200 and r.content == PROOF
    assert r.headers["content-disposition"] == 'inline; filename="payment_proof-doc-proof.pdf"'
    [entry] = await audit(lsp, application_id=aid, action="application.document_viewed")
    assert entry["detail"]["source"] == PAYMENT_PROOF


async def test_unknown_application_or_document_is_404_and_siki_is_not_asked(lsp: Lsp, documents: respx.Route,
                                                                           tmp_path: Path) -> None:
    aid = await received(lsp)
    r = await open_doc(lsp, "no-such-application", "doc-ktp")
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM and r.json()["field"] == "application_id"
    r = await open_doc(lsp, aid, "doc-not-referenced")
    assert r.status_code == 404 and r.json()["field"] == "document_id"
    assert not documents.called
    # Another LSP: the application was not submitted to it, so it has no such application.
    async with running(settings_for(f"sqlite+aiosqlite:///{tmp_path}/lsp_b.db", code="LSP-B")) as lsp_b:
        r = await open_doc(lsp_b, aid, "doc-ktp")
        assert r.status_code == 404 and r.json()["field"] == "application_id"
    assert not documents.called
    assert await audit(lsp, action="application.document_viewed") == []


async def test_who_may_open(lsp: Lsp) -> None:
    aid = await received(lsp)
    assert (await open_doc(lsp, aid, "doc-ktp", user=None)).status_code == 401
    # An assessor sees only the applications assigned to them (as with get_application).
    assert (await open_doc(lsp, aid, "doc-ktp", user="asesor1")).status_code == 403
    assert await drive(lsp, "scheduled", aid) == aid  # now assigned to asesor1
    r = await open_doc(lsp, aid, "doc-ktp", user="asesor1")
    assert r.status_code == 200 and r.content == KTP
    assert (await open_doc(lsp, aid, "doc-ktp", user="asesor2")).status_code == 403


async def test_a_file_that_does_not_match_its_reference_is_refused_and_recorded(
        lsp: Lsp, documents: respx.Route) -> None:
    aid = await received(lsp)
    documents.mock(return_value=httpx.Response(200, content=b"%PDF-1.4\n% swapped\n%%EOF\n",
                                               headers={"content-type": "application/pdf"}))
    r = await open_doc(lsp, aid, "doc-ktp")
    assert r.status_code == 502 and r.headers["content-type"] == PROBLEM
    assert "SHA-256" in r.json()["detail"] and r.json()["field"] == "document_id"
    assert b"swapped" not in r.content
    [entry] = await audit(lsp, application_id=aid, action="application.document_mismatch")
    assert entry["detail"]["sha256"] == hashlib.sha256(KTP).hexdigest()
    assert entry["detail"]["received_sha256"] != entry["detail"]["sha256"]
    assert await audit(lsp, application_id=aid, action="application.document_viewed") == []


@pytest.mark.parametrize(("answer", "status", "words"), [
    (httpx.ConnectError("refused"), 503, "SIKI could not be reached"),
    (httpx.Response(503, json={"detail": "the portal could not be reached to fetch the document; try again later"},
                    headers={"content-type": PROBLEM}), 503, "portal could not be reached"),
    (httpx.Response(404, json={"detail": "document not found"}, headers={"content-type": PROBLEM}), 404, "not"),
    (httpx.Response(401, json={"detail": "unknown credentials"}, headers={"content-type": PROBLEM}), 502,
     "SIKI refused"),
])
async def test_siki_or_the_portal_failing(lsp: Lsp, documents: respx.Route, answer: Any, status: int,
                                          words: str) -> None:
    aid = await received(lsp)
    documents.mock(side_effect=answer) if isinstance(answer, Exception) else documents.mock(return_value=answer)
    r = await open_doc(lsp, aid, "doc-ktp")
    assert r.status_code == status and r.headers["content-type"] == PROBLEM, r.text
    assert words in r.json()["detail"] and r.json()["field"] == "document_id"
    assert await audit(lsp, application_id=aid, action="application.document_viewed") == []


# --- the domain rules ----------------------------------------------------------------------


def test_find_evidence_looks_in_the_documents_and_the_payment_proof() -> None:
    docs = [ref("a", "ktp", KTP, "application/pdf")]
    proof = {**ref("p", "payment_proof", PROOF, "application/pdf"), "proof_no": 2}
    section = find_evidence(docs, proof, "a")
    assert section is not None and section.source == SECTION and section.kind == "ktp"
    found = find_evidence(docs, proof, "p")
    assert found is not None and found.source == PAYMENT_PROOF and matches(found, PROOF) and not matches(found, KTP)
    assert find_evidence(docs, None, "p") is None and find_evidence(None, None, "a") is None


def test_shown_as_inline_only_for_the_accepted_types_with_a_safe_name() -> None:
    evidence = find_evidence([ref('x"; evil', "ktp/../x", KTP, "text/html")], None, 'x"; evil')
    assert evidence is not None
    content_type, disposition = shown_as(evidence)
    assert content_type == "application/octet-stream" and disposition.startswith("attachment;")
    assert '"' not in disposition.split("filename=", 1)[1].strip('"') and "/" not in disposition
    uid = str(uuid.uuid4())
    png = find_evidence([ref(uid, "photo", PHOTO, "image/png")], None, uid)
    assert png is not None and shown_as(png) == ("image/png", f'inline; filename="photo-{uid}.png"')
