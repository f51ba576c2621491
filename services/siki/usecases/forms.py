"""An application's FR.APL.01 and FR.APL.02 as its LSP built them: kept (the latest of each, the
bytes encrypted at rest like the e-certificates) and served to the portal for the applicant.

They arrive on receipt (``submit_application_forms``) and with a status report (the signed
APL-01 with the verification report, ``reports.apply_report``)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.siki.db import applications
from services.siki.db.models import Application, ApplicationForm, StoredDocument
from services.siki.usecases.context import SikiContext, sha256_hex, utcnow
from shared.contracts.siki import ApplicationFormFile, ApplicationFormsStored, ApplicationFormsUpload
from shared.database import read_session
from shared.exceptions import Forbidden, Invalid, NotFound
from shared.logging import get_logger
from shared.staged_rows import execute_with

log = get_logger(__name__)

Form = Literal["apl01", "apl02"]
FORM_NAMES = {"apl01": "FR.APL.01", "apl02": "FR.APL.02"}


@dataclass(frozen=True)
class DecodedForm:
    form: str
    signed: bool
    submission_no: int
    pdf: bytes


def decode(forms: list[ApplicationFormFile] | None, field: str = "forms") -> list[DecodedForm]:
    """The forms' PDFs, checked before anything is written."""
    out = []
    for n, f in enumerate(forms or []):
        try:
            pdf = base64.b64decode(f.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise Invalid.field(f"{field}.{n}.content_base64", "not base64") from exc
        if not pdf.startswith(b"%PDF-"):
            raise Invalid.field(f"{field}.{n}.content_base64", "not a PDF")
        out.append(DecodedForm(f.form, f.signed, f.submission_no, pdf))
    return out


async def store(s: AsyncSession, application_id: str, forms: list[DecodedForm]) -> list[str]:
    """Keep each form as the application's latest, in the caller's transaction (the caller holds
    the application's lock); returns the forms kept. A signed APL-01 is not replaced by an
    unsigned one of the same or an earlier submission (an upload that arrived late).
    The application's forms are read in one round trip and the PDFs and forms written in one
    statement (one read and two writes per form before)."""
    kept = []
    now = utcnow()
    current = await applications.forms_of(s, application_id)
    documents: dict[str, Insert] = {}
    latest: dict[str, Insert] = {}  # per form: a form sent twice in one upload is written once, as it ends
    for f in forms:
        digest = sha256_hex(f.pdf)
        row = current.get(f.form)
        if row is not None:
            if row.sha256 == digest:
                continue
            if row.signed and not f.signed and f.submission_no <= row.submission_no:
                log.info("unsigned form not stored over the signed one", application_id=application_id, form=f.form)
                continue
        documents.setdefault(digest, applications.document_insert(s, digest, f.pdf, "application/pdf", now))
        latest[f.form] = applications.form_upsert(s, application_id, f.form, digest, f.signed, f.submission_no, now)
        current[f.form] = applications.StoredForm(digest, f.signed, f.submission_no)
        kept.append(f.form)
    writes = [*documents.values(), *latest.values()]
    if writes:
        await execute_with(s, writes[0], writes[1:])
    return kept


async def submit_forms(ctx: SikiContext, lsp_code: str, application_id: str,
                       upload: ApplicationFormsUpload) -> ApplicationFormsStored:
    """``submit_application_forms``: the LSP of the application sends its forms (idempotent)."""
    decoded = decode(upload.forms)
    async with ctx.app_locks.transaction(ctx.sessions, application_id) as s:
        owner = await s.scalar(select(Application.lsp_code).where(Application.id == application_id))
        if owner is None:
            raise NotFound(f"application {application_id} not found")
        if owner != lsp_code:
            raise Forbidden(f"application {application_id} is not with LSP {lsp_code}")
        kept = await store(s, application_id, decoded)
    log.info("application forms stored", application_id=application_id, lsp_code=lsp_code, forms=kept)
    return ApplicationFormsStored(application_id=application_id, stored=kept)  # type: ignore[arg-type]


async def form_pdf(ctx: SikiContext, application_id: str, form: Form) -> bytes:
    """The form's PDF; 404 (naming the form) while the LSP has sent none."""
    async with read_session(ctx.sessions) as s:
        exists = await s.scalar(select(Application.id).where(Application.id == application_id))
        if exists is None:
            raise NotFound(f"application {application_id} not found")
        content = await s.scalar(
            select(StoredDocument.content).join(ApplicationForm, ApplicationForm.sha256 == StoredDocument.sha256)
            .where(ApplicationForm.application_id == application_id, ApplicationForm.form == form))
    if content is None:
        raise NotFound(f"{FORM_NAMES[form]} of application {application_id} is not available yet",
                       errors=[{"field": "form", "message": "not available yet"}])
    return bytes(content)
