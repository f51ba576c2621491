"""SIKI's HTTP API (SPEC section 7, docs/CONTRACTS.md): parse, authorise, call, answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from services.siki.api.auth import (
    Caller,
    anyone_known,
    lsp,
    operator,
    operator_or_portal,
    portal,
    siki_of,
)
from services.siki.db.models import Lsp
from services.siki.service import DELIVERY_STATUSES
from shared.contracts.siki import (
    AppealSubmission,
    ApplicationSubmission,
    PaymentProofSubmission,
    StatusReport,
    SubmissionAccepted,
    TimelineItem,
)
from shared.contracts.states import ApplicationStatus
from shared.errors import PROBLEM_RESPONSES, Problem

router = APIRouter()


class LspRegistration(BaseModel):
    code: str = Field(min_length=2, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
    name: str = Field(min_length=1, max_length=200)
    webhook_url: str = Field(pattern=r"^https?://", max_length=500)
    jabatan_kerja_codes: list[str] = Field(default_factory=list)
    active: bool = True


class LspOut(BaseModel):
    code: str
    name: str
    webhook_url: str
    jabatan_kerja_codes: list[str]
    active: bool
    created_at: datetime
    rotated_at: datetime | None = None


class LspWithCredentials(LspOut):
    """Answered once: SIKI keeps the api key only as a hash."""

    webhook_secret: str
    api_key: str


class TimelineEntryOut(TimelineItem):
    seq: int
    reasons: list[str] = Field(default_factory=list)


class TimelineOut(BaseModel):
    application_id: str
    status: ApplicationStatus
    lsp_code: str
    timeline: list[TimelineEntryOut]


class StatusReportAnswer(BaseModel):
    application_id: str
    status: ApplicationStatus
    seq: int
    report_id: str


class SkkQuery(BaseModel):
    nik: str = Field(min_length=16, max_length=16, pattern=r"^\d{16}$")


def _lsp_out(row: Lsp) -> dict[str, Any]:
    return {"code": row.code, "name": row.name, "webhook_url": row.webhook_url,
            "jabatan_kerja_codes": list(row.jabatan_kerja_codes or []), "active": row.active,
            "created_at": row.created_at, "rotated_at": row.rotated_at}


# --- applications (portal) --------------------------------------------------------------

@router.post("/applications", operation_id="submit_application", status_code=202,
             response_model=SubmissionAccepted, responses=PROBLEM_RESPONSES, tags=["applications"])
async def submit_application(body: ApplicationSubmission, request: Request,
                             _: Caller = Depends(portal)) -> SubmissionAccepted:
    """Check the rules of SPEC section 3 and forward the application to its LSP (202), or
    refuse with one 422 problem listing every reason."""
    return await siki_of(request).submit(body)


@router.post("/applications/{application_id}/payment-proofs", operation_id="upload_payment_proof",
             status_code=202, response_model=SubmissionAccepted, responses=PROBLEM_RESPONSES,
             tags=["applications"])
async def upload_payment_proof(application_id: str, body: PaymentProofSubmission, request: Request,
                               _: Caller = Depends(portal)) -> SubmissionAccepted:
    return await siki_of(request).upload_payment_proof(application_id, body)


@router.post("/applications/{application_id}/appeals", operation_id="file_appeal", status_code=202,
             response_model=SubmissionAccepted, responses=PROBLEM_RESPONSES, tags=["applications"])
async def file_appeal(application_id: str, body: AppealSubmission, request: Request,
                      _: Caller = Depends(portal)) -> SubmissionAccepted:
    return await siki_of(request).file_appeal(application_id, body)


@router.post("/applications/{application_id}/status", operation_id="report_status",
             response_model=StatusReportAnswer, responses=PROBLEM_RESPONSES, tags=["applications"])
async def report_status(application_id: str, body: StatusReport, request: Request,
                        caller: Caller = Depends(lsp)) -> dict[str, Any]:
    """An LSP reports one step (``Authorization: Bearer <api key>``); 409 if the state machine
    does not allow it. A retried ``report_id`` answers the first answer again."""
    return await siki_of(request).report_status(caller.name, application_id, body)


@router.get("/applications/{application_id}/timeline", operation_id="get_timeline",
            response_model=TimelineOut, responses=PROBLEM_RESPONSES, tags=["applications"])
async def get_timeline(application_id: str, request: Request,
                       caller: Caller = Depends(anyone_known)) -> dict[str, Any]:
    siki = siki_of(request)
    app, rows = await siki.timeline(application_id)
    allowed = caller.kind == "operator" or caller.is_portal or (caller.kind == "lsp" and caller.name == app.lsp_code)
    if not allowed:
        raise Problem(403, f"{caller.kind} {caller.name!r} may not read this timeline")
    # The status is the last timeline entry: both come from one read of the timeline, so they
    # cannot disagree even when a step commits between the two queries.
    return {
        "application_id": app.id, "status": rows[-1]["status"] if rows else app.status, "lsp_code": app.lsp_code,
        "timeline": rows,
    }


@router.get("/applications/{application_id}/certificate", operation_id="get_certificate_pdf",
            responses={200: {"content": {"application/pdf": {}}}, **PROBLEM_RESPONSES},
            response_class=Response, tags=["applications"])
async def get_certificate_pdf(application_id: str, request: Request,
                              _: Caller = Depends(operator_or_portal)) -> Response:
    pdf = await siki_of(request).certificate_pdf(application_id)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="skk-{application_id}.pdf"'})


# --- the LSP registry (operators) ----------------------------------------------------------

@router.post("/lsps", operation_id="register_lsp", status_code=201, response_model=LspWithCredentials,
             responses=PROBLEM_RESPONSES, tags=["lsps"])
async def register_lsp(body: LspRegistration, request: Request,
                       _: Caller = Depends(operator)) -> dict[str, Any]:
    """Register an LSP; the webhook secret and api key are answered this once."""
    row, creds = await siki_of(request).register_lsp(
        body.code, body.name, body.webhook_url, body.jabatan_kerja_codes, body.active)
    return {**_lsp_out(row), "webhook_secret": creds.webhook_secret, "api_key": creds.api_key}


@router.get("/lsps", operation_id="list_lsps", response_model=list[LspOut], responses=PROBLEM_RESPONSES,
            tags=["lsps"])
async def list_lsps(request: Request, _: Caller = Depends(operator_or_portal)) -> list[dict[str, Any]]:
    return [_lsp_out(r) for r in await siki_of(request).list_lsps()]


@router.post("/lsps/{code}/rotate-secret", operation_id="rotate_lsp_secret", response_model=LspWithCredentials,
             responses=PROBLEM_RESPONSES, tags=["lsps"])
async def rotate_lsp_secret(code: str, request: Request, _: Caller = Depends(operator)) -> dict[str, Any]:
    """A new webhook secret and api key; the old ones stop working at once."""
    row, creds = await siki_of(request).rotate_lsp_secret(code)
    return {**_lsp_out(row), "webhook_secret": creds.webhook_secret, "api_key": creds.api_key}


# --- the SKK register ------------------------------------------------------------------

@router.post("/skk/query", operation_id="list_skk_by_nik", responses=PROBLEM_RESPONSES, tags=["skk"])
async def list_skk_by_nik(body: SkkQuery, request: Request,
                          _: Caller = Depends(operator_or_portal)) -> dict[str, Any]:
    """The SKK held by a NIK and its applications in progress (the NIK goes in the body,
    never in a URL, so that it stays out of access logs)."""
    return await siki_of(request).skk_by_nik(body.nik)


# --- webhook deliveries (operators) ------------------------------------------------------

@router.get("/webhook-deliveries", operation_id="list_webhook_deliveries", responses=PROBLEM_RESPONSES,
            tags=["webhooks"])
async def list_webhook_deliveries(
    request: Request,
    application_id: str | None = None,
    lsp_code: str | None = None,
    status: Literal["pending", "failed", "delivered", "dead"] | None = None,
    limit: int = Query(100, ge=1, le=1000),
    _: Caller = Depends(operator),
) -> list[dict[str, Any]]:
    assert status is None or status in DELIVERY_STATUSES
    return await siki_of(request).list_deliveries(
        application_id=application_id, lsp_code=lsp_code, status=status, limit=limit)


@router.post("/webhook-deliveries/{delivery_id}/redeliver", operation_id="redeliver_webhook",
             status_code=202, responses=PROBLEM_RESPONSES, tags=["webhooks"])
async def redeliver_webhook(delivery_id: str, request: Request, _: Caller = Depends(operator)) -> dict[str, Any]:
    """Send a dead (or failing) delivery again, same ``webhook-id``, a fresh round of attempts."""
    return await siki_of(request).redeliver(delivery_id)
