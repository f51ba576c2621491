"""The LSP's HTTP API (operationIds of SPEC section 7, paths of docs/CONTRACTS.md): each route
parses, authorises and calls one use case."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Body, Depends, Query, Request
from fastapi.responses import Response
from fastapi.security import OAuth2PasswordRequestForm

from services.lsp.api.deps import Admin, AnyStaff, Asesor, Client, Ctx, Komite
from services.lsp.api.schemas import (
    AppealDecisionBody,
    ApplicationPage,
    ApplicationView,
    AssessmentReportBody,
    DecisionBody,
    PaymentVerificationBody,
    ScheduleBody,
    SchemeList,
    SweepBody,
    SweepResult,
    TokenResponse,
    VerificationBody,
    WebhookReceipt,
)
from services.lsp.usecases import assessment, decisions, inbound, payments, queries, schemes, verification
from services.lsp.usecases import staff as accounts
from shared.contracts.siki import webhook_body_schema
from shared.contracts.states import ApplicationStatus
from shared.errors import PROBLEM_RESPONSES, problem_responses
from shared.paging import DEFAULT_LIMIT, Limit, Offset

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)

LoginForm = Annotated[OAuth2PasswordRequestForm, Depends()]
PDF: dict[int | str, dict[str, Any]] = {200: {"description": "The form as a PDF",
             "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}


# --- auth ----------------------------------------------------------------------------------


@router.post("/auth/token", operation_id="staff_login", tags=["auth"], response_model=TokenResponse,
             responses=problem_responses(429))
async def staff_login(ctx: Ctx, form: LoginForm, client: Client) -> TokenResponse:
    """Failed logins slow down per (username, client) and per client: 429 with ``Retry-After``."""
    return TokenResponse.model_validate(await accounts.login(ctx, form.username, form.password, client))


@router.post("/auth/logout", operation_id="staff_logout", tags=["auth"], status_code=204, response_class=Response)
async def staff_logout(ctx: Ctx, staff: AnyStaff) -> Response:
    """Ends the account's sessions: every token issued to it so far is refused from now on."""
    await accounts.logout(ctx, staff)
    return Response(status_code=204)


# --- applications --------------------------------------------------------------------------


@router.get("/applications", operation_id="list_applications", tags=["applications"])
async def list_applications(ctx: Ctx, staff: AnyStaff,
                            status: Annotated[ApplicationStatus | None, Query()] = None,
                            limit: Limit = DEFAULT_LIMIT, offset: Offset = 0,
                            flag: Annotated[Literal["appeal_overdue"] | None, Query(
                                description="appeal_overdue: appeals still undecided past the LSP's working "
                                            "days (flagged by the deadline sweep)")] = None) -> ApplicationPage:
    """Newest submission first, one page at a time; ``total`` counts every match."""
    return ApplicationPage.model_validate(await queries.list_applications(ctx, staff, status, limit, offset,
                                                                          flag=flag))


@router.get("/applications/{application_id}", operation_id="get_application", tags=["applications"])
async def get_application(ctx: Ctx, staff: AnyStaff, application_id: str) -> ApplicationView:
    return ApplicationView.model_validate(await queries.get_application(ctx, staff, application_id))


@router.post("/applications/{application_id}/verification", operation_id="verify_application",
             tags=["applications"])
async def verify_application(ctx: Ctx, staff: Admin, application_id: str, body: VerificationBody) -> ApplicationView:
    return ApplicationView.model_validate(await verification.verify_application(
        ctx, staff, application_id, body.decision, body.reasons, body.override_reason))


@router.post("/applications/{application_id}/payment-verification", operation_id="verify_payment",
             tags=["applications"])
async def verify_payment(ctx: Ctx, staff: Admin, application_id: str,
                         body: PaymentVerificationBody) -> ApplicationView:
    return ApplicationView.model_validate(await payments.verify_payment(
        ctx, staff, application_id, body.decision, body.reasons))


@router.post("/applications/{application_id}/start-certification", operation_id="start_certification",
             tags=["applications"])
async def start_certification(ctx: Ctx, staff: Admin, application_id: str) -> ApplicationView:
    return ApplicationView.model_validate(await assessment.start_certification(ctx, staff, application_id))


@router.post("/applications/{application_id}/schedule", operation_id="schedule_assessment", tags=["applications"])
async def schedule_assessment(ctx: Ctx, staff: Admin, application_id: str, body: ScheduleBody) -> ApplicationView:
    return ApplicationView.model_validate(await assessment.schedule_assessment(
        ctx, staff, application_id, assessor_username=body.assessor_username, tuk_code=body.tuk_code,
        scheduled_at=body.scheduled_at))


@router.post("/applications/{application_id}/assessment-report", operation_id="submit_assessment_report",
             tags=["applications"])
async def submit_assessment_report(ctx: Ctx, staff: Asesor, application_id: str,
                                   body: AssessmentReportBody) -> ApplicationView:
    return ApplicationView.model_validate(await assessment.submit_assessment_report(
        ctx, staff, application_id, recommendation=body.recommendation, notes=body.notes))


@router.post("/applications/{application_id}/decision", operation_id="decide_competence", tags=["applications"])
async def decide_competence(ctx: Ctx, staff: Komite, application_id: str, body: DecisionBody) -> ApplicationView:
    return ApplicationView.model_validate(await decisions.decide_competence(
        ctx, staff, application_id, result=body.result))


@router.post("/applications/{application_id}/appeal-decision", operation_id="decide_appeal",
             tags=["applications"])
async def decide_appeal(ctx: Ctx, staff: Komite, application_id: str, body: AppealDecisionBody) -> ApplicationView:
    return ApplicationView.model_validate(await decisions.decide_appeal(
        ctx, staff, application_id, decision=body.decision, reasons=body.reasons))


@router.post("/deadline-sweep", operation_id="run_deadline_sweep", tags=["applications"])
async def run_deadline_sweep(ctx: Ctx, staff: Admin, body: Annotated[SweepBody | None, Body()] = None) -> SweepResult:
    return SweepResult.model_validate(await payments.sweep_deadlines(
        ctx, body.as_of if body is not None else None, staff))


# --- webhooks ------------------------------------------------------------------------------


# The body is read raw (the signature covers its bytes, and is checked before the body is
# parsed), so FastAPI cannot document it: the schema comes from the same models the use case
# validates ``data`` with.
WEBHOOK_BODY: dict[str, Any] = {"requestBody": {"required": True, "description": (
    "Standard Webhooks: signed with the webhook secret (webhook-id, webhook-timestamp, webhook-signature); "
    "an unsigned or stale delivery is refused with 401 before the body is read"),
    "content": {"application/json": {"schema": webhook_body_schema()}}}}


@router.post("/webhooks/siki", operation_id="receive_siki_webhook", tags=["webhooks"], openapi_extra=WEBHOOK_BODY)
async def receive_siki_webhook(ctx: Ctx, request: Request, after_answer: BackgroundTasks) -> WebhookReceipt:
    # The raw body: the signature covers its bytes.
    return WebhookReceipt.model_validate(await inbound.receive_webhook(ctx, await request.body(), request.headers,
                                                                       later=after_answer.add_task))


# --- schemes -------------------------------------------------------------------------------


@router.get("/schemes", operation_id="list_schemes", tags=["schemes"])
async def list_schemes(ctx: Ctx, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> SchemeList:
    """By jabatan kerja code, one page at a time; ``total`` counts the LSP's schemes."""
    return SchemeList.model_validate(await schemes.list_schemes(ctx, limit=limit, offset=offset))


@router.get("/schemes/{jabatan_kerja_code}/forms/{form}", operation_id="get_scheme_form", tags=["schemes"],
            response_class=Response, responses=PDF)
async def get_scheme_form(ctx: Ctx, jabatan_kerja_code: str, form: Literal["apl01", "apl02"]) -> Response:
    pdf, name = await schemes.scheme_form(ctx, jabatan_kerja_code, form)
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})
