"""The LSP's HTTP API (operationIds of SPEC section 7, paths of docs/CONTRACTS.md)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from services.lsp import workflow
from services.lsp.api.deps import current_staff, require_role
from services.lsp.context import LspContext, request_context
from services.lsp.db.models import Application, Assessment, Scheme, Staff
from services.lsp.inbound import receive_webhook
from services.lsp.security import StaffPrincipal, issue_token, verify_password
from services.lsp.views import application_summary, application_view
from shared.contracts.states import ApplicationStatus
from shared.errors import PROBLEM_RESPONSES, FieldError, Problem, not_found, validation_problem

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)

Ctx = Annotated[LspContext, Depends(request_context)]
AnyStaff = Annotated[StaffPrincipal, Depends(current_staff)]
Admin = Annotated[StaffPrincipal, Depends(require_role("admin"))]
Asesor = Annotated[StaffPrincipal, Depends(require_role("asesor"))]
Komite = Annotated[StaffPrincipal, Depends(require_role("komite"))]


# --- request bodies ------------------------------------------------------------------------


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    roles: list[str]


class VerificationBody(BaseModel):
    decision: Literal["accepted", "rejected"]
    reasons: list[Annotated[str, Field(max_length=1000)]] = Field(default_factory=list, max_length=50)


class PaymentVerificationBody(BaseModel):
    decision: Literal["valid", "invalid"]
    reasons: list[Annotated[str, Field(max_length=1000)]] = Field(default_factory=list, max_length=50)


class ScheduleBody(BaseModel):
    assessor_username: str = Field(min_length=1, max_length=64)
    tuk_code: str = Field(min_length=1, max_length=32)
    scheduled_at: datetime


class AssessmentReportBody(BaseModel):
    recommendation: Literal["K", "BK"]
    notes: str | None = Field(None, max_length=8000)


class DecisionBody(BaseModel):
    result: Literal["kompeten", "belum_kompeten"]


class AppealDecisionBody(BaseModel):
    decision: Literal["upheld", "rejected"]
    reasons: list[Annotated[str, Field(max_length=1000)]] = Field(default_factory=list, max_length=50)


class SweepBody(BaseModel):
    as_of: date | None = Field(None, description="dev mode only: the day to sweep as if it were today")


# --- helpers -------------------------------------------------------------------------------


async def _act(ctx: LspContext, staff: StaffPrincipal, application_id: str,
               step: Callable[[AsyncSession], Awaitable[None]]) -> dict[str, Any]:
    """Run one action in one transaction, then answer with the application as it is now.

    One session throughout: the visibility check reads the application the step then uses, and
    the answer is read back from the database once the step has committed."""
    async with ctx.runtime.sessions() as session:
        try:
            async with session.begin():
                app = await session.get(Application, application_id)
                if app is None:
                    raise not_found(f"application {application_id!r}")
                await _may_see(session, staff, app)
                await step(session)
        except StaleDataError as exc:
            raise Problem(409, "the application changed meanwhile; reload it and try again",
                          errors=[FieldError("status", "concurrent change")]) from exc
        session.expire_all()  # the answer shows what was stored, as a fresh read would
        return await application_view(session, await workflow.load_application(session, application_id))


async def _may_see(session: AsyncSession, staff: StaffPrincipal, app: Application) -> None:
    """Admins and the komite see every application; an assessor only those assigned to them."""
    if staff.has("admin") or staff.has("komite"):
        return
    assigned = (await session.execute(
        select(Assessment.id).where(Assessment.application_id == app.id,
                                    Assessment.assessor_username == staff.username)
    )).first()
    if assigned is None:
        raise Problem(403, "an assessor sees only the applications assigned to them")


# --- auth ----------------------------------------------------------------------------------


@router.post("/auth/token", operation_id="staff_login", tags=["auth"], response_model=TokenResponse)
async def staff_login(ctx: Ctx, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> TokenResponse:
    async with ctx.runtime.sessions() as session:
        staff = await session.get(Staff, form.username)
    ok = verify_password(staff.password_hash if staff else None, form.password)
    if staff is None or not ok or not staff.active:
        raise Problem(401, "wrong username or password", errors=[FieldError("password", "wrong username or password")],
                      headers={"WWW-Authenticate": "Bearer"})
    ttl = ctx.settings.access_token_ttl_seconds
    token = issue_token(username=staff.username, roles=list(staff.roles), lsp_code=ctx.code,
                        secret=ctx.settings.jwt_secret.get_secret_value(), ttl_seconds=ttl)
    return TokenResponse(access_token=token, expires_in=ttl, roles=sorted(staff.roles))


# --- applications --------------------------------------------------------------------------


@router.get("/applications", operation_id="list_applications", tags=["applications"])
async def list_applications(ctx: Ctx, staff: AnyStaff,
                            status: Annotated[ApplicationStatus | None, Query()] = None,
                            limit: Annotated[int, Query(ge=1, le=500)] = 100,
                            offset: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
    query = select(Application).order_by(Application.submitted_at.desc(), Application.id)
    if status is not None:
        query = query.where(Application.status == status.value)
    if not (staff.has("admin") or staff.has("komite")):
        query = query.where(Application.id.in_(
            select(Assessment.application_id).where(Assessment.assessor_username == staff.username)))
    async with ctx.runtime.sessions() as session:
        rows = (await session.execute(query.limit(limit).offset(offset))).scalars().all()
    return {"items": [application_summary(a) for a in rows], "limit": limit, "offset": offset}


@router.get("/applications/{application_id}", operation_id="get_application", tags=["applications"])
async def get_application(ctx: Ctx, staff: AnyStaff, application_id: str) -> dict[str, Any]:
    async with ctx.runtime.sessions() as session:
        app = await workflow.load_application(session, application_id)
        await _may_see(session, staff, app)
        return await application_view(session, app)


@router.post("/applications/{application_id}/verification", operation_id="verify_application",
             tags=["applications"])
async def verify_application(ctx: Ctx, staff: Admin, application_id: str, body: VerificationBody) -> dict[str, Any]:
    return await _act(ctx, staff, application_id, lambda s: workflow.verify_application(
        s, ctx, staff, application_id, body.decision, body.reasons))


@router.post("/applications/{application_id}/payment-verification", operation_id="verify_payment",
             tags=["applications"])
async def verify_payment(ctx: Ctx, staff: Admin, application_id: str,
                         body: PaymentVerificationBody) -> dict[str, Any]:
    return await _act(ctx, staff, application_id, lambda s: workflow.verify_payment(
        s, ctx, staff, application_id, body.decision, body.reasons))


@router.post("/applications/{application_id}/start-certification", operation_id="start_certification",
             tags=["applications"])
async def start_certification(ctx: Ctx, staff: Admin, application_id: str) -> dict[str, Any]:
    return await _act(ctx, staff, application_id,
                      lambda s: workflow.start_certification(s, ctx, staff, application_id))


@router.post("/applications/{application_id}/schedule", operation_id="schedule_assessment", tags=["applications"])
async def schedule_assessment(ctx: Ctx, staff: Admin, application_id: str, body: ScheduleBody) -> dict[str, Any]:
    return await _act(ctx, staff, application_id, lambda s: workflow.schedule_assessment(
        s, ctx, staff, application_id, assessor_username=body.assessor_username, tuk_code=body.tuk_code,
        scheduled_at=body.scheduled_at))


@router.post("/applications/{application_id}/assessment-report", operation_id="submit_assessment_report",
             tags=["applications"])
async def submit_assessment_report(ctx: Ctx, staff: Asesor, application_id: str,
                                   body: AssessmentReportBody) -> dict[str, Any]:
    return await _act(ctx, staff, application_id, lambda s: workflow.submit_assessment_report(
        s, ctx, staff, application_id, recommendation=body.recommendation, notes=body.notes))


@router.post("/applications/{application_id}/decision", operation_id="decide_competence", tags=["applications"])
async def decide_competence(ctx: Ctx, staff: Komite, application_id: str, body: DecisionBody) -> dict[str, Any]:
    return await _act(ctx, staff, application_id, lambda s: workflow.decide_competence(
        s, ctx, staff, application_id, result=body.result))


@router.post("/applications/{application_id}/appeal-decision", operation_id="decide_appeal",
             tags=["applications"])
async def decide_appeal(ctx: Ctx, staff: Komite, application_id: str, body: AppealDecisionBody) -> dict[str, Any]:
    return await _act(ctx, staff, application_id, lambda s: workflow.decide_appeal(
        s, ctx, staff, application_id, decision=body.decision, reasons=body.reasons))


@router.post("/deadline-sweep", operation_id="run_deadline_sweep", tags=["applications"])
async def run_deadline_sweep(ctx: Ctx, staff: Admin,
                             body: Annotated[SweepBody | None, Body()] = None) -> dict[str, Any]:
    as_of = body.as_of if body is not None else None
    if as_of is not None and not ctx.settings.is_dev:
        raise validation_problem([FieldError("as_of", "as_of is accepted only in dev mode")])
    today = as_of or ctx.local_date()
    cancelled = await workflow.run_deadline_sweep(ctx, today)
    return {"as_of": today, "cancelled": cancelled}


# --- webhooks ------------------------------------------------------------------------------


@router.post("/webhooks/siki", operation_id="receive_siki_webhook", tags=["webhooks"])
async def receive_siki_webhook(ctx: Ctx, request: Request) -> dict[str, Any]:
    body = await request.body()
    return await receive_webhook(ctx, body, request.headers)


# --- schemes -------------------------------------------------------------------------------


def _scheme_view(s: Scheme) -> dict[str, Any]:
    return {
        "jabatan_kerja_code": s.jabatan_kerja_code, "name": s.name, "klasifikasi_code": s.klasifikasi_code,
        "subklasifikasi_code": s.subklasifikasi_code, "kualifikasi": s.kualifikasi, "jenjang": s.jenjang,
        "requirements": s.requirements, "fee": s.fee, "currency": s.currency, "skkni": s.skkni,
        "forms": {f: f"/api/v1/schemes/{s.jabatan_kerja_code}/forms/{f}" for f in ("apl01", "apl02")},
    }


@router.get("/schemes", operation_id="list_schemes", tags=["schemes"])
async def list_schemes(ctx: Ctx) -> dict[str, Any]:
    async with ctx.runtime.sessions() as session:
        rows = (await session.execute(select(Scheme).order_by(Scheme.jabatan_kerja_code))).scalars().all()
    return {"lsp_code": ctx.code, "items": [_scheme_view(s) for s in rows]}


@router.get("/schemes/{jabatan_kerja_code}/forms/{form}", operation_id="get_scheme_form", tags=["schemes"],
            response_class=Response, responses={200: {"content": {"application/pdf": {}}}})
async def get_scheme_form(ctx: Ctx, jabatan_kerja_code: str, form: Literal["apl01", "apl02"]) -> Response:
    async with ctx.runtime.sessions() as session:
        scheme = await session.get(Scheme, jabatan_kerja_code)
    if scheme is None:
        raise not_found(f"scheme {jabatan_kerja_code!r}")
    from services.lsp.forms import apl01_pdf, apl02_pdf  # fpdf2 only when a form is asked for

    pdf = apl01_pdf(scheme, ctx.settings.lsp_name) if form == "apl01" else apl02_pdf(scheme, ctx.settings.lsp_name)
    name = f"FR.APL.{'01' if form == 'apl01' else '02'}-{jabatan_kerja_code}.pdf"
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})
