"""The applicant's applications: drafts, sections, submission to SIKI, invoice, payment proof,
appeal and the e-certificate."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Body, Depends, File, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, StringConstraints
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.portal.api.deps import Applicant, PortalContext, conflict_from, current_user, get_portal, utc
from services.portal.api.documents import DocumentOut, document_out, store_document
from services.portal.db.models import Application, User
from services.portal.db.repositories import (
    PAYMENT_PROOF_REFERENCE,
    add_timeline,
    document_infos,
    own_application,
    own_application_fields,
    own_application_view,
    own_document_infos,
    own_documents,
    sync_section_references,
    timeline,
    timeline_json,
)
from services.portal.domain.applications import (
    APPEAL_ALLOWED,
    APPLICANT_ACTOR,
    DOWNLOADABLE,
    EDITABLE,
    PROOF_ALLOWED,
    SUBMITTABLE,
    ActionNotAllowed,
    build_submission,
    document_url,
    next_submission_no,
    require_status,
)
from services.portal.domain.documents import sha256_hex, sniff_content_type
from services.portal.domain.sections import (
    APPLICATION_KINDS,
    PAYMENT_PROOF_KIND,
    SECTION_NAMES,
    DocumentInfo,
    ValidationContext,
    validate_application,
    validate_section,
)
from shared.bus import utcnow
from shared.contracts.documents import DocumentRef
from shared.contracts.events import CERTIFICATE_DOWNLOADED, CertificateDownloaded
from shared.contracts.siki import AppealSubmission, PaymentProofSubmission
from shared.contracts.states import ApplicationStatus
from shared.errors import PROBLEM_RESPONSES, Problem, validation_problem
from shared.logging import get_logger
from shared.reference import get_reference
from shared.service_client import ServiceCallError

log = get_logger(__name__)
router = APIRouter(tags=["applications"])
S = ApplicationStatus


class CreateApplication(BaseModel):
    application_kind: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)] = "baru"


class AppealRequest(BaseModel):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=4000)]


class PaymentProofOut(BaseModel):
    application_id: str
    status: str
    proof_no: int
    document: DocumentOut


def _view(app: Any, entries: Sequence[Any]) -> dict[str, Any]:
    """The application as answered; ``app`` is an Application or a row of ``VIEW_COLUMNS``."""
    return {
        "id": app.id,
        "application_kind": app.application_kind,
        "status": app.status,
        "submission_no": app.submission_no,
        "lsp_code": app.lsp_code,
        "created_at": utc(app.created_at).isoformat(),
        "updated_at": utc(app.updated_at).isoformat(),
        "sections": app.sections,
        "timeline": timeline_json(entries),
        "invoice": app.invoice,
        "certificate": app.certificate,
        "reasons": app.reasons,
    }


async def _view_of(s: AsyncSession, app: Application) -> dict[str, Any]:
    return _view(app, await timeline(s, app.id))


async def _load_view(portal: PortalContext, user_id: str, application_id: str) -> dict[str, Any]:
    async with portal.runtime.engine.connect() as conn:
        row, entries = await own_application_view(conn, user_id, application_id)
    return _view(row, entries)


def _require(status: str, allowed: frozenset[ApplicationStatus], action: str) -> None:
    try:
        require_status(status, allowed, action)
    except ActionNotAllowed as exc:
        raise conflict_from(exc) from exc


def _context(documents: dict[str, DocumentInfo], application_kind: str) -> ValidationContext:
    return ValidationContext(ref=get_reference(), today=date.today(), documents=documents,
                             application_kind=application_kind)


def _siki_problem(resp: httpx.Response | None, what: str) -> Problem:
    """SIKI's refusal, made the applicant's problem (its reasons kept, field by field)."""
    if resp is None or resp.status_code >= 500:
        return Problem(503, f"SIKI is not reachable now; nothing was changed, try to {what} again later",
                       headers={"Retry-After": "30"})
    try:
        body = resp.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    detail = str(body.get("detail") or f"SIKI refused to {what}")
    if resp.status_code == 422:
        # Every reason SIKI gave, its own keys kept; one without a field is about the application.
        errors: list[dict[str, Any]] = []
        for e in body.get("errors") or []:
            if isinstance(e, dict):
                errors.append(e if "field" in e else {"field": "application", **e})
            elif isinstance(e, str):
                errors.append({"field": "application", "message": e})
        if not errors:
            errors = [{"field": "application", "message": detail}]
        return Problem(422, f"SIKI refused to {what}: {detail}", errors=errors)
    if resp.status_code == 409:
        return Problem(409, f"SIKI refused to {what}: {detail}")
    log.warning("unexpected answer from SIKI", status=resp.status_code, action=what)
    return Problem(502, f"SIKI answered {resp.status_code} to {what}")


async def _call_siki(portal: PortalContext, method: str, path: str, what: str, **kw: Any) -> httpx.Response:
    try:
        resp = await portal.siki.request(method, path, **kw)
    except ServiceCallError as exc:
        log.warning("SIKI unreachable", action=what, error=str(exc))
        raise _siki_problem(None, what) from exc
    if not 200 <= resp.status_code < 300:
        raise _siki_problem(resp, what)
    return resp


@router.post("/applications", operation_id="create_application", status_code=201, responses=PROBLEM_RESPONSES)
async def create_application(body: CreateApplication | None = None, user: Applicant = Depends(current_user),
                             portal: PortalContext = Depends(get_portal)) -> dict[str, Any]:
    kind = (body or CreateApplication()).application_kind
    if kind not in APPLICATION_KINDS:
        message = f"one of {', '.join(APPLICATION_KINDS)} (renewal and change are to follow)"
        raise validation_problem([{"field": "application_kind", "message": message}])
    now = utcnow()
    app = Application(id=str(uuid.uuid4()), user_id=user.id, application_kind=kind, status=S.DRAFT.value,
                      sections={}, submission_no=0, proofs_sent=0, appeals_filed=0, last_seq=0, reasons=[],
                      created_at=now, updated_at=now)
    async with portal.runtime.sessions() as s, s.begin():
        s.add(app)
        await s.flush()
        add_timeline(s, app.id, S.DRAFT.value, now, APPLICANT_ACTOR, "draf dibuat")
        # The timeline read back in the same transaction (it flushes the entry first).
        return await _view_of(s, app)


@router.get("/applications", operation_id="list_applications", responses=PROBLEM_RESPONSES)
async def list_applications(user: Applicant = Depends(current_user),
                            portal: PortalContext = Depends(get_portal)) -> list[dict[str, Any]]:
    async with portal.runtime.sessions() as s:
        apps = (await s.execute(
            select(Application.id, Application.application_kind, Application.status, Application.lsp_code,
                   Application.created_at, Application.updated_at)
            .where(Application.user_id == user.id).order_by(Application.created_at.desc())
        )).all()
        return [{"id": a.id, "application_kind": a.application_kind, "status": a.status, "lsp_code": a.lsp_code,
                 "created_at": utc(a.created_at).isoformat(), "updated_at": utc(a.updated_at).isoformat()}
                for a in apps]


@router.get("/applications/{application_id}", operation_id="get_application", responses=PROBLEM_RESPONSES)
async def get_application(application_id: str, user: Applicant = Depends(current_user),
                          portal: PortalContext = Depends(get_portal)) -> dict[str, Any]:
    return await _load_view(portal, user.id, application_id)


@router.put("/applications/{application_id}/sections/{section}", operation_id="put_application_section",
            responses=PROBLEM_RESPONSES)
async def put_application_section(application_id: str, section: str, payload: Any = Body(...),
                                  user: Applicant = Depends(current_user),
                                  portal: PortalContext = Depends(get_portal)) -> dict[str, Any]:
    async with portal.runtime.sessions() as s, s.begin():
        app = await own_application(s, user.id, application_id, for_update=True)
        if section not in SECTION_NAMES:
            raise validation_problem([{"field": "section",
                                       "message": f"unknown section {section!r}; one of {', '.join(SECTION_NAMES)}"}])
        _require(app.status, EDITABLE, "change a section")
        docs = await own_document_infos(s, user.id)
        normalized, errors = validate_section(section, payload, _context(docs, app.application_kind))
        if errors:
            raise validation_problem(errors)
        # A new dict, so that the JSON column sees the change.
        app.sections = {**app.sections, section: normalized}
        if section == "qualification":
            app.lsp_code = normalized["lsp_code"]
        app.updated_at = utcnow()
        await sync_section_references(s, app.id, app.sections)
        return await _view_of(s, app)


@router.post("/applications/{application_id}/submit", operation_id="submit_application",
             responses=PROBLEM_RESPONSES)
async def submit_application(application_id: str, caller: Applicant = Depends(current_user),
                             portal: PortalContext = Depends(get_portal)) -> dict[str, Any]:
    async with portal.runtime.sessions() as s:
        app = await own_application(s, caller.id, application_id)
        _require(app.status, SUBMITTABLE, "submit")
        user = await s.get(User, caller.id)
        if user is None or user.verified_at is None:
            raise Problem(401, "invalid access token", headers={"WWW-Authenticate": "Bearer"},
                          errors=[{"field": "authorization", "message": "unknown user"}])
        docs = await own_documents(s, user.id)
        errors = validate_application(app.sections, _context(document_infos(docs), app.application_kind))
        if errors:
            fields = ", ".join(e["field"] for e in errors)
            raise validation_problem(errors, "the application is not complete: " + fields)
        submission_no = next_submission_no(app.submission_no)
        submission = build_submission(
            application_id=app.id, submission_no=submission_no, application_kind=app.application_kind,
            user_id=user.id, email=user.email, full_name=f"{user.first_name} {user.last_name}",
            sections=app.sections,
            documents={i: {"sha256": d.sha256, "content_type": d.content_type, "size": d.size}
                       for i, d in docs.items()},
            public_url=portal.settings.public_url, now=utcnow(),
        )
    await _call_siki(portal, "POST", "/api/v1/applications", "submit the application",
                     json=submission.model_dump(mode="json"), idempotency_key=f"{app.id}:{submission_no}")
    async with portal.runtime.sessions() as s, s.begin():
        app = await own_application(s, user.id, application_id, for_update=True)
        # SIKI took this submission number: counted even if SIKI's own status events got here
        # first (then they already moved the status), so a resubmission never reuses the key.
        if app.submission_no < submission_no:
            app.submission_no = submission_no
            app.lsp_code = submission.lsp_code
            if app.status in {x.value for x in SUBMITTABLE}:
                now = utcnow()
                app.status = S.SUBMITTED.value
                app.reasons = []
                app.updated_at = now
                note = ("dikirim ke SIKI" if submission_no == 1
                        else f"dikirim ulang ke SIKI (pengiriman ke-{submission_no})")
                add_timeline(s, app.id, S.SUBMITTED.value, now, APPLICANT_ACTOR, note)
            await s.flush()
        return await _view_of(s, app)


@router.get("/applications/{application_id}/invoice", operation_id="get_invoice", responses=PROBLEM_RESPONSES)
async def get_invoice(application_id: str, user: Applicant = Depends(current_user),
                      portal: PortalContext = Depends(get_portal)) -> dict[str, Any]:
    async with portal.runtime.sessions() as s:
        app = await own_application_fields(s, user.id, application_id,
                                           Application.id, Application.status, Application.invoice)
    if app.invoice is None:
        raise Problem(404, "no invoice has been issued for this application yet", status_now=app.status,
                      errors=[{"field": "invoice", "message": f"not issued yet (status {app.status})"}])
    return {**app.invoice, "application_id": app.id, "status": app.status}


@router.post("/applications/{application_id}/payment-proof", operation_id="upload_payment_proof",
             status_code=201, response_model=PaymentProofOut,
             responses={**PROBLEM_RESPONSES, 413: {"description": "too large"}, 415: {"description": "bad type"},
                        503: {"description": "SIKI unreachable"}})
async def upload_payment_proof(application_id: str, file: Annotated[UploadFile, File()],
                               user: Applicant = Depends(current_user),
                               portal: PortalContext = Depends(get_portal)) -> PaymentProofOut:
    async with portal.runtime.sessions() as s:
        current = await own_application_fields(s, user.id, application_id,
                                               Application.status, Application.proofs_sent)
        _require(current.status, PROOF_ALLOWED, "upload a payment proof")
        proof_no = current.proofs_sent + 1
    # Committed, with its link to the application, before SIKI hears of it: SIKI and the
    # application's LSP fetch the proof by reference.
    doc = await store_document(portal, user.id, PAYMENT_PROOF_KIND, file,
                               reference=(application_id, PAYMENT_PROOF_REFERENCE))
    now = utcnow()
    body = PaymentProofSubmission(
        proof_no=proof_no, uploaded_at=now,
        document=DocumentRef(id=doc.id, kind=doc.kind, sha256=doc.sha256, content_type=doc.content_type,
                             size=doc.size, url=document_url(portal.settings.public_url, doc.id)),
    )
    await _call_siki(portal, "POST", f"/api/v1/applications/{application_id}/payment-proofs",
                     "upload the payment proof", json=body.model_dump(mode="json"),
                     idempotency_key=f"{application_id}:proof:{proof_no}")
    async with portal.runtime.sessions() as s, s.begin():
        app = await own_application(s, user.id, application_id, for_update=True)
        if app.proofs_sent < proof_no:
            app.proofs_sent = proof_no
            if app.status in {x.value for x in PROOF_ALLOWED}:
                app.status = S.PAYMENT_UPLOADED.value
                app.updated_at = now
                add_timeline(s, app.id, S.PAYMENT_UPLOADED.value, now, APPLICANT_ACTOR, f"bukti bayar ke-{proof_no}")
        status = app.status
    return PaymentProofOut(application_id=application_id, status=status, proof_no=proof_no, document=document_out(doc))


@router.post("/applications/{application_id}/appeal", operation_id="file_appeal",
             responses={**PROBLEM_RESPONSES, 503: {"description": "SIKI unreachable"}})
async def file_appeal(application_id: str, body: AppealRequest, user: Applicant = Depends(current_user),
                      portal: PortalContext = Depends(get_portal)) -> dict[str, Any]:
    async with portal.runtime.sessions() as s:
        current = await own_application_fields(s, user.id, application_id,
                                               Application.status, Application.appeals_filed)
        _require(current.status, APPEAL_ALLOWED, "file an appeal")
        appeal_no = current.appeals_filed + 1
    now = utcnow()
    submission = AppealSubmission(reason=body.reason, filed_at=now)
    await _call_siki(portal, "POST", f"/api/v1/applications/{application_id}/appeals", "file the appeal",
                     json=submission.model_dump(mode="json"), idempotency_key=f"{application_id}:appeal:{appeal_no}")
    async with portal.runtime.sessions() as s, s.begin():
        app = await own_application(s, user.id, application_id, for_update=True)
        if app.appeals_filed < appeal_no:
            app.appeals_filed = appeal_no
            if app.status in {x.value for x in APPEAL_ALLOWED}:
                app.status = S.APPEALED.value
                app.updated_at = now
                add_timeline(s, app.id, S.APPEALED.value, now, APPLICANT_ACTOR, "banding diajukan")
            await s.flush()
        return await _view_of(s, app)


@router.get("/applications/{application_id}/certificate", operation_id="download_certificate",
            responses={200: {"content": {"application/pdf": {}}}, **PROBLEM_RESPONSES,
                       503: {"description": "SIKI unreachable"}})
async def download_certificate(application_id: str, user: Applicant = Depends(current_user),
                               portal: PortalContext = Depends(get_portal)) -> Response:
    async with portal.runtime.sessions() as s:
        app = await own_application_fields(s, user.id, application_id,
                                           Application.status, Application.certificate_sha256)
        _require(app.status, DOWNLOADABLE, "download the certificate")
        digest = app.certificate_sha256
    if digest is None or not portal.store.exists(digest):
        try:
            resp = await portal.siki.request("GET", f"/api/v1/applications/{application_id}/certificate")
        except ServiceCallError as exc:
            raise _siki_problem(None, "fetch the certificate") from exc
        if resp.status_code == 404:
            raise Problem(404, "the certificate is not available yet",
                          errors=[{"field": "certificate", "message": "not available yet"}])
        if resp.status_code != 200:
            raise _siki_problem(resp, "fetch the certificate")
        if sniff_content_type(resp.content) != "application/pdf":
            raise Problem(502, "SIKI answered something that is not a PDF certificate")
        digest = sha256_hex(resp.content)
        await portal.store.put(digest, resp.content)
        data = resp.content
    else:
        data = await portal.store.get(digest)
    now = utcnow()
    async with portal.runtime.sessions() as s, s.begin():
        await s.execute(update(Application)
                        .where(Application.id == application_id, Application.user_id == user.id,
                               Application.certificate_sha256.is_(None))
                        .values(certificate_sha256=digest))
        # Conditional, so that only the first download completes the process and tells SIKI.
        first = await s.execute(update(Application)
                                .where(Application.id == application_id, Application.user_id == user.id,
                                       Application.status == S.CERTIFICATE_ISSUED.value)
                                .values(status=S.COMPLETED.value, downloaded_at=now, updated_at=now))
        if getattr(first, "rowcount", 0) == 1:
            add_timeline(s, application_id, S.COMPLETED.value, now, APPLICANT_ACTOR, "sertifikat diunduh")
            event = CertificateDownloaded(application_id=application_id, user_id=user.id, at=now)
            portal.runtime.emit(s, CERTIFICATE_DOWNLOADED, event.model_dump(mode="json"), application_id=application_id)
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="SKK-{application_id}.pdf"',
                             "X-Content-SHA256": digest})
