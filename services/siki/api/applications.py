"""Applications: the portal's commands, the LSPs' status reports, the timeline and the
e-certificate (SPEC section 7, docs/CONTRACTS.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from services.siki.api.auth import AnyoneKnown, LspCaller, Portal, RegisterOperatorOrPortal, require_timeline_reader
from services.siki.api.deps import SikiDep
from services.siki.usecases import applicant, ownership, queries, reports, submissions, withdrawal
from shared.contracts.siki import (
    AppealSubmission,
    ApplicationSubmission,
    EligibilityAnswer,
    PaymentProofSubmission,
    StatusReport,
    StatusReportAnswer,
    SubmissionAccepted,
    TimelineOut,
    WithdrawalSubmission,
)
from shared.errors import PROBLEM_RESPONSES

router = APIRouter(tags=["applications"])
PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
}


@router.post("/applications", operation_id="submit_application", status_code=202,
             response_model=SubmissionAccepted, responses=PROBLEM_RESPONSES)
async def submit_application(body: ApplicationSubmission, siki: SikiDep, _: Portal) -> SubmissionAccepted:
    """Check the rules of SPEC section 3 and forward the application to its LSP (202), or
    refuse with one 422 problem listing every reason."""
    return await submissions.submit(siki, body)


@router.post("/applications/{application_id}/payment-proofs", operation_id="upload_payment_proof",
             status_code=202, response_model=SubmissionAccepted, responses=PROBLEM_RESPONSES)
async def upload_payment_proof(application_id: str, body: PaymentProofSubmission, siki: SikiDep,
                               _: Portal) -> SubmissionAccepted:
    return await applicant.upload_payment_proof(siki, application_id, body)


@router.post("/applications/{application_id}/appeals", operation_id="file_appeal", status_code=202,
             response_model=SubmissionAccepted, responses=PROBLEM_RESPONSES)
async def file_appeal(application_id: str, body: AppealSubmission, siki: SikiDep, _: Portal) -> SubmissionAccepted:
    return await applicant.file_appeal(siki, application_id, body)


@router.post("/applications/{application_id}/withdrawal", operation_id="withdraw_application", status_code=202,
             response_model=SubmissionAccepted, responses=PROBLEM_RESPONSES)
async def withdraw_application(application_id: str, body: WithdrawalSubmission, siki: SikiDep,
                               _: Portal) -> SubmissionAccepted:
    """The applicant withdraws before a decision (``withdrawn``, final; it stops counting for the
    ownership limits); a repeat answers 202 again. 409 once the LSP decided."""
    return await withdrawal.withdraw(siki, application_id, body)


@router.get("/applications/{application_id}/eligibility", operation_id="check_application_eligibility",
            response_model=EligibilityAnswer, responses=PROBLEM_RESPONSES)
async def check_application_eligibility(application_id: str, siki: SikiDep, caller: LspCaller) -> EligibilityAnswer:
    """The LSP the application was submitted to re-checks the NIK's ownership rules now (as if
    it were being submitted, itself excluded)."""
    return await ownership.check_eligibility(siki, caller.name, application_id)


@router.post("/applications/{application_id}/status", operation_id="report_status",
             response_model=StatusReportAnswer, responses=PROBLEM_RESPONSES)
async def report_status(application_id: str, body: StatusReport, siki: SikiDep,
                        caller: LspCaller) -> StatusReportAnswer:
    """An LSP reports one step (``Authorization: Bearer <api key>``); 409 if the state machine
    does not allow it. A retried ``report_id`` answers the first answer again."""
    return await reports.report_status(siki, caller.name, application_id, body)


@router.get("/applications/{application_id}/timeline", operation_id="get_timeline",
            response_model=TimelineOut, responses=PROBLEM_RESPONSES)
async def get_timeline(application_id: str, siki: SikiDep, caller: AnyoneKnown) -> TimelineOut:
    """Operators, the portal and the application's own LSP read its timeline."""
    timeline = await queries.timeline(siki, application_id)
    require_timeline_reader(caller, timeline.lsp_code)
    return timeline


@router.get("/applications/{application_id}/certificate", operation_id="get_certificate_pdf",
            response_class=Response, responses={**PDF, **PROBLEM_RESPONSES})
async def get_certificate_pdf(application_id: str, siki: SikiDep, _: RegisterOperatorOrPortal) -> Response:
    pdf = await queries.certificate_pdf(siki, application_id)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="skk-{application_id}.pdf"'})
