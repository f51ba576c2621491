"""The applicant's applications: drafts, sections, submission to SIKI, invoice, payment proof,
appeal, withdrawal and the e-certificate."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, File, UploadFile
from fastapi.responses import Response

from services.portal.api.deps import (
    AppealsDep,
    ApplicationsDep,
    CertificatesDep,
    CurrentUser,
    FormsDep,
    PaymentsDep,
    SubmissionDep,
    WithdrawalDep,
)
from services.portal.api.schemas import (
    AppealRequest,
    ApplicationOut,
    ApplicationSummary,
    CreateApplication,
    InvoiceOut,
    PaymentProofOut,
    SectionSaved,
    WithdrawRequest,
)
from shared.errors import PROBLEM_RESPONSES
from shared.paging import DEFAULT_LIMIT, TOTAL_COUNT_RESPONSE, Limit, Offset, set_total

router = APIRouter(tags=["applications"])

SIKI_DOWN: dict[int | str, dict[str, Any]] = {503: {"description": "SIKI unreachable"}}
PDF: dict[str, Any] = {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
       "description": "The signed e-certificate (PDF)"}


@router.post("/applications", operation_id="create_application", status_code=201, response_model=ApplicationOut,
             responses=PROBLEM_RESPONSES)
async def create_application(user: CurrentUser, applications: ApplicationsDep,
                             body: CreateApplication | None = None) -> ApplicationOut:
    body = body or CreateApplication()
    return await applications.create(user.id, body.application_kind, body.previous_skk_number)


@router.get("/applications", operation_id="list_applications", response_model=list[ApplicationSummary],
            responses={**PROBLEM_RESPONSES, **TOTAL_COUNT_RESPONSE})
async def list_applications(user: CurrentUser, applications: ApplicationsDep, response: Response,
                            limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> list[ApplicationSummary]:
    """Newest first, one page at a time; ``X-Total-Count`` says how many there are in all."""
    items, total = await applications.list_own(user.id, limit=limit, offset=offset)
    set_total(response, total)
    return items


@router.get("/applications/{application_id}", operation_id="get_application", response_model=ApplicationOut,
            responses=PROBLEM_RESPONSES)
async def get_application(application_id: str, user: CurrentUser, applications: ApplicationsDep) -> ApplicationOut:
    return await applications.get(user.id, application_id)


@router.put("/applications/{application_id}/sections/{section}", operation_id="put_application_section",
            response_model=SectionSaved, responses=PROBLEM_RESPONSES)
async def put_application_section(application_id: str, section: str, payload: Annotated[Any, Body()],
                                  user: CurrentUser, applications: ApplicationsDep) -> SectionSaved:
    return await applications.put_section(user.id, application_id, section, payload)


@router.post("/applications/{application_id}/submit", operation_id="submit_application",
             response_model=ApplicationOut, responses={**PROBLEM_RESPONSES, **SIKI_DOWN})
async def submit_application(application_id: str, user: CurrentUser, submission: SubmissionDep) -> ApplicationOut:
    return await submission.submit(user.id, application_id)


@router.get("/applications/{application_id}/invoice", operation_id="get_invoice", response_model=InvoiceOut,
            responses=PROBLEM_RESPONSES)
async def get_invoice(application_id: str, user: CurrentUser, payments: PaymentsDep) -> InvoiceOut:
    return await payments.invoice(user.id, application_id)


@router.post("/applications/{application_id}/payment-proof", operation_id="upload_payment_proof",
             status_code=201, response_model=PaymentProofOut,
             responses={**PROBLEM_RESPONSES, 413: {"description": "too large"}, 415: {"description": "bad type"},
                        **SIKI_DOWN})
async def upload_payment_proof(application_id: str, file: Annotated[UploadFile, File()], user: CurrentUser,
                               payments: PaymentsDep) -> PaymentProofOut:
    return await payments.upload_proof(user.id, application_id, file)


@router.post("/applications/{application_id}/appeal", operation_id="file_appeal", response_model=ApplicationOut,
             responses={**PROBLEM_RESPONSES, **SIKI_DOWN})
async def file_appeal(application_id: str, body: AppealRequest, user: CurrentUser,
                      appeals: AppealsDep) -> ApplicationOut:
    return await appeals.file(user.id, application_id, body.reason)


@router.post("/applications/{application_id}/withdrawal", operation_id="withdraw_application",
             response_model=ApplicationOut, responses={**PROBLEM_RESPONSES, **SIKI_DOWN})
async def withdraw_application(application_id: str, user: CurrentUser, withdrawal: WithdrawalDep,
                               body: WithdrawRequest | None = None) -> ApplicationOut:
    return await withdrawal.withdraw(user.id, application_id, (body or WithdrawRequest()).reason)


@router.get("/applications/{application_id}/certificate", operation_id="download_certificate",
            response_class=Response, responses={200: PDF, **PROBLEM_RESPONSES, 502: {"description": "bad answer"},
                                                **SIKI_DOWN})
async def download_certificate(application_id: str, user: CurrentUser, certificates: CertificatesDep) -> Response:
    pdf = await certificates.download(user.id, application_id)
    return Response(pdf.data, media_type=pdf.content_type,
                    headers={"Content-Disposition": f'attachment; filename="SKK-{application_id}.pdf"',
                             "X-Content-SHA256": pdf.sha256})


@router.get("/applications/{application_id}/forms/{form}", operation_id="download_application_form",
            response_class=Response,
            responses={200: {**PDF, "description": "FR.APL.01 / FR.APL.02 as the LSP sent it (PDF)"},
                       **PROBLEM_RESPONSES, 502: {"description": "bad answer"}, **SIKI_DOWN})
async def download_application_form(application_id: str, form: Literal["apl01", "apl02"], user: CurrentUser,
                                    forms: FormsDep) -> Response:
    """The owner's FR.APL.01 (signed by the LSP once verified) or FR.APL.02; 404 until the LSP sent it."""
    pdf = await forms.download(user.id, application_id, form)
    name = "FR.APL.01" if form == "apl01" else "FR.APL.02"
    return Response(pdf.data, media_type=pdf.content_type,
                    headers={"Content-Disposition": f'inline; filename="{name}-{application_id}.pdf"',
                             "X-Content-SHA256": pdf.sha256})
