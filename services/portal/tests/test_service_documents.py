"""fetch_application_document (SPEC section 8, "Evidence"): SIKI, with its own key, fetches a
document one application references, for the LSP the application names; the portal serves it
decrypted from its encrypted store and records the fetch. Anything else is refused, and refused
exactly like an unknown id."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import respx
from sqlalchemy import select

from services.portal.db.models import AuditEntry
from services.portal.tests.factories import PNG_BYTES, Portal, tiny_pdf
from services.portal.tests.test_after_submit import INVOICE, SIKI, advance, upload_proof
from services.portal.tests.test_documents import service_headers
from shared.contracts.siki import ApplicationSubmission

PROBLEM = "application/problem+json"


def path(app_id: str, document_id: str) -> str:
    return f"/api/v1/internal/applications/{app_id}/documents/{document_id}"


async def fetch(portal: Portal, app_id: str, document_id: str, *, caller: str = "siki",
                lsp_code: str | None = "LSP-A") -> httpx.Response:
    params = {"lsp_code": lsp_code} if lsp_code is not None else {}
    return await portal.client.get(path(app_id, document_id), params=params, headers=service_headers(caller))


async def submit_capturing(portal: Portal, headers: dict[str, str], app_id: str) -> ApplicationSubmission:
    with respx.mock:
        route = respx.post(SIKI).mock(return_value=httpx.Response(202, json={}))
        r = await portal.client.post(f"/api/v1/applications/{app_id}/submit", headers=headers)
    assert r.status_code == 200, r.text
    return ApplicationSubmission.model_validate(json.loads(route.calls.last.request.content))


async def audit_entries(portal: Portal, action: str = "document.fetched_for_lsp") -> list[Any]:
    async with portal.runtime.sessions() as s:
        return list((await s.execute(select(AuditEntry).where(AuditEntry.action == action)
                                     .order_by(AuditEntry.id))).scalars())


def same_problem(a: httpx.Response, b: httpx.Response) -> bool:
    def strip(body: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in body.items() if k != "instance"}
    return a.status_code == b.status_code == 404 and strip(a.json()) == strip(b.json())


async def test_siki_fetches_every_submitted_document_for_the_applications_lsp(
        portal: Portal, applicant: dict[str, str]) -> None:
    app_id, docs = await portal.complete_draft(applicant)
    # A draft was sent to nobody: nothing of it is served.
    assert (await fetch(portal, app_id, docs["ktp"])).status_code == 404
    submission = await submit_capturing(portal, applicant, app_id)
    assert submission.documents
    for ref in submission.documents:
        assert ref.uploaded_at is not None  # the reference carries the upload time now
        r = await fetch(portal, app_id, ref.id)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == ref.content_type
        assert r.headers["x-content-sha256"] == ref.sha256 and len(r.content) == ref.size
        assert r.headers["cache-control"] == "no-store" and r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-document-kind"] == ref.kind
    photo = next(ref for ref in submission.documents if ref.kind == "photo")
    assert (await fetch(portal, app_id, photo.id)).content == PNG_BYTES
    # Kept encrypted at rest: the file on disk is not the bytes served.
    stored = portal.app.state.service_documents.store.path(photo.sha256).read_bytes()
    assert PNG_BYTES not in stored
    # Every fetch is in the audit log: who, for which LSP, which document.
    entries = await audit_entries(portal)
    assert len(entries) == len(submission.documents) + 1  # the photo twice
    first = entries[0]
    assert first.actor == "service:siki" and first.application_id == app_id and first.target_type == "document"
    assert first.detail["lsp_code"] == "LSP-A" and first.detail["source"] == "section"
    assert {e.target_id for e in entries} == {ref.id for ref in submission.documents}


async def test_refused_like_an_unknown_id_for_another_lsp_or_another_applications_document(
        portal: Portal, applicant: dict[str, str]) -> None:
    stray = (await portal.upload(applicant, "ktp", tiny_pdf("stray"))).json()["id"]
    app_id, docs = await portal.complete_draft(applicant)
    await submit_capturing(portal, applicant, app_id)
    other_app, other_docs = await portal.complete_draft(applicant)  # a second application, own documents
    await submit_capturing(portal, applicant, other_app)
    unknown = await fetch(portal, app_id, str(uuid.uuid4()))
    assert unknown.status_code == 404 and unknown.headers["content-type"] == PROBLEM
    assert unknown.json()["field"] == "document_id"
    for refused in (
        await fetch(portal, app_id, docs["ktp"], lsp_code="LSP-B"),  # the application is with LSP-A
        await fetch(portal, app_id, stray),  # the applicant's, but this application does not name it
        await fetch(portal, app_id, other_docs["ktp"]),  # another application's document
        await fetch(portal, str(uuid.uuid4()), docs["ktp"]),  # no such application
    ):
        assert same_problem(refused, unknown), refused.text
    assert await audit_entries(portal) == []  # nothing was served, nothing recorded as served
    # The right pairing still works.
    assert (await fetch(portal, other_app, other_docs["ktp"])).status_code == 200


async def test_only_siki_with_its_own_key(portal: Portal, applicant: dict[str, str]) -> None:
    app_id, docs = await portal.complete_draft(applicant)
    await submit_capturing(portal, applicant, app_id)
    # An LSP goes through SIKI (which checks the application is with it), never straight here.
    for party in ("lsp:LSP-A", "portal", "bnsp", "lpjk"):
        r = await fetch(portal, app_id, docs["ktp"], caller=party)
        assert r.status_code == 403 and r.headers["content-type"] == PROBLEM, party
    r = await portal.client.get(path(app_id, docs["ktp"]), params={"lsp_code": "LSP-A"})
    assert r.status_code == 401
    r = await portal.client.get(path(app_id, docs["ktp"]), params={"lsp_code": "LSP-A"}, headers=applicant)
    assert r.status_code == 401
    r = await portal.client.get(path(app_id, docs["ktp"]), params={"lsp_code": "LSP-A"},
                                headers=service_headers("siki", audience="siki"))
    assert r.status_code == 401
    r = await fetch(portal, app_id, docs["ktp"], lsp_code=None)  # whom SIKI fetches for is required
    assert r.status_code == 422 and r.json()["field"].endswith("lsp_code")
    assert await audit_entries(portal) == []


async def test_the_payment_proof_is_fetched_the_same_way(portal: Portal, applicant: dict[str, str]) -> None:
    app_id, _ = await portal.complete_draft(applicant)
    await submit_capturing(portal, applicant, app_id)
    due = (date.today() + timedelta(days=30)).isoformat()  # not yet due: the proof is accepted
    await advance(portal, app_id, [("submitted", {}), ("forwarded", {"lsp_code": "LSP-A"}),
                                   ("accepted", {"actor": "LSP-A/admin"}),
                                   ("invoiced", {"invoice": {**INVOICE, "due_date": due}})])
    with respx.mock:
        respx.post(f"{SIKI}/{app_id}/payment-proofs").mock(return_value=httpx.Response(202, json={}))
        r = await upload_proof(portal, applicant, app_id, PNG_BYTES)
    assert r.status_code == 201, r.text
    proof_id = r.json()["document"]["id"]
    got = await fetch(portal, app_id, proof_id)
    assert got.status_code == 200 and got.content == PNG_BYTES and got.headers["content-type"] == "image/png"
    assert got.headers["x-document-kind"] == "payment_proof"
    assert (await fetch(portal, app_id, proof_id, lsp_code="LSP-B")).status_code == 404
    [entry] = await audit_entries(portal)
    assert entry.target_id == proof_id and entry.detail["source"] == "payment_proof"
