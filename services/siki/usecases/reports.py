"""report_status: an LSP reports one step of its workflow.

Checked against the state machine (a report while SIKI still shows ``submitted`` proves
delivery: ``forwarded`` is recorded first), idempotent by ``report_id``, with the invoice, the
certificate and the e-certificate PDF that travel with the last steps. A report refused for good
is kept for the operators (``usecases/refused_reports.py``). The application (locked,
without its stored submission) and an earlier report with the same id are read in one round
trip; the writes are Core statements."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.siki.db import applications
from services.siki.db import refused_reports as refused_rows
from services.siki.db.common import AnyRow
from services.siki.domain.flow import ReportPlan, TransitionRefused, plan_report
from services.siki.usecases import forms
from services.siki.usecases.context import SikiContext, sha256_hex, utcnow
from services.siki.usecases.timeline import Timeline
from shared.contracts.siki import StatusReport, StatusReportAnswer
from shared.contracts.states import ApplicationStatus
from shared.database import alone_session
from shared.exceptions import Conflict, DomainError, Forbidden, Invalid, NotFound
from shared.logging import get_logger

log = get_logger(__name__)
S = ApplicationStatus


@dataclass
class _Documents:
    """The invoice and certificate after the report, and the application's columns that change."""

    invoice: dict[str, Any] | None
    certificate: dict[str, Any] | None
    changes: dict[str, Any] = field(default_factory=dict)
    stored: list[Insert] = field(default_factory=list)  # the PDF's insert, for the step's statement


async def report_status(ctx: SikiContext, lsp_code: str, application_id: str,
                        report: StatusReport) -> StatusReportAnswer:
    """Apply the report, or refuse it; a refusal for good (the state machine, a bad PDF) of a
    report on this LSP's own application is kept for the operators (``refused_reports``)."""
    try:
        pdf = certificate_pdf(report)
        answer = await _first_try(ctx, lsp_code, application_id, report, pdf)
        if answer is None:
            # Across processes too: a repeated report_id racing in another process reads the
            # first one's answer instead of applying the step twice.
            async with ctx.app_locks.transaction(ctx.sessions, application_id) as s:
                answer = await apply_report(ctx, s, lsp_code, application_id, report, pdf)
    except (TransitionRefused, Invalid) as refused:  # NotReportable is an Invalid
        await _keep_refusal(ctx, lsp_code, application_id, report, refused)
        raise
    log.info("status reported", application_id=application_id, lsp_code=lsp_code, status=answer.status.value)
    return answer


async def apply_report(ctx: SikiContext, s: AsyncSession, lsp_code: str, application_id: str,
                       report: StatusReport, pdf: bytes | None) -> StatusReportAnswer:
    """The report's effect in the caller's transaction (the caller holds the application's
    lock); raises the refusal, changing nothing."""
    head = await applications.report_head(s, application_id, report.report_id)
    earlier = await _earlier_answer(s, head, lsp_code, application_id, report.report_id)
    if earlier is not None:
        return earlier
    assert head is not None
    if head.lsp_code != lsp_code:
        raise Forbidden(f"application {application_id} is not with LSP {lsp_code}")
    # Which steps follow ``accepted`` depends on the kind: a change has no invoice and no assessment.
    plan = plan_report(S(head.status), report.status, head.application_kind)
    documents = _documents(s, head, report, pdf)
    if report.forms:  # FR.APL.01/02 as they stand after this step (the signed APL-01 when verified)
        await forms.store(s, head.id, forms.decode(report.forms))
    timeline = _steps(head, plan, report, documents, ctx)
    answer = StatusReportAnswer(application_id=head.id, status=plan.target, seq=timeline.seq,
                                report_id=report.report_id)
    # The report's record goes with the step, in its statement: a retry reads this answer.
    record = applications.report_record(report.report_id, lsp_code, head.id, answer.model_dump(mode="json"), utcnow())
    await timeline.write(s, ctx.emit, also=[record, *documents.stored], **documents.changes)
    return answer


async def _first_try(ctx: SikiContext, lsp_code: str, application_id: str, report: StatusReport,
                     pdf: bytes | None) -> StatusReportAnswer | None:
    """PostgreSQL: a new report that the state machine takes, with no forms or PDF to store,
    applied without a transaction: the application read without a lock, then the step, its
    events and the report's record in one statement that writes only while the application's
    last step is the one read (``applications.update_application_if``). Three round trips with
    the LSP's key where BEGIN with the lock, the locked read, the step and COMMIT were five. None
    for anything else (a retry, a refusal, a row moved meanwhile): the locked path decides."""
    if pdf is not None or report.forms or ctx.engine.dialect.name != "postgresql":
        return None
    try:
        async with alone_session(ctx.sessions) as s:
            # One connection for the read and the write, both sent on the driver's connection
            # directly (shared/direct_sql.py).
            head = await applications.report_seen(await s.connection(), application_id, report.report_id)
            if head is None or head.done_answer is not None or head.lsp_code != lsp_code:
                return None
            try:
                plan = plan_report(S(head.status), report.status, head.application_kind)
            except DomainError:  # TransitionRefused and NotReportable among them
                return None  # refused for good by the locked path, which keeps the refusal
            documents = _documents(None, head, report, None)
            timeline = _steps(head, plan, report, documents, ctx)
            answer = StatusReportAnswer(application_id=head.id, status=plan.target, seq=timeline.seq,
                                        report_id=report.report_id)
            record = {"report_id": report.report_id, "lsp_code": lsp_code, "application_id": head.id,
                      "answer": answer.model_dump(mode="json"), "processed_at": utcnow()}
            if not await timeline.write_if(s, ctx.emit, seen_last_seq=head.last_seq, seen_status=head.status,
                                           record=record, **documents.changes):
                return None
            await s.commit()  # sends nothing (AUTOCOMMIT); wakes the outbox relay for the events
    except IntegrityError:
        return None  # the report id taken meanwhile by another report: the locked path answers
    return answer


async def _keep_refusal(ctx: SikiContext, lsp_code: str, application_id: str, report: StatusReport,
                        refused: DomainError) -> None:
    """Record the refused report (its own transaction: the refused one rolled back). Only for an
    application of the reporting LSP, so an LSP cannot fill the operators' list with others';
    not for a withdrawn one (the LSP is told and drops its reports: nothing to resolve)."""
    http_status = 409 if isinstance(refused, Conflict) else 422
    async with ctx.app_locks.transaction(ctx.sessions, application_id) as s:
        head = await applications.ownership_head(s, application_id)
        if head is None or head.lsp_code != lsp_code or head.status == S.WITHDRAWN:
            return
        await refused_rows.upsert(s, report_id=report.report_id, application_id=application_id, lsp_code=lsp_code,
                                  status=report.status.value, reason=refused.detail, http_status=http_status,
                                  body=report.model_dump(mode="json"), now=utcnow())
    log.warning("status report refused; kept for the operators", application_id=application_id, lsp_code=lsp_code,
                report_id=report.report_id, status=report.status.value, reason=refused.detail)


def certificate_pdf(report: StatusReport) -> bytes | None:
    """The e-certificate PDF sent with the report, decoded (checked before a connection is taken)."""
    if report.certificate_pdf_base64 is None:
        return None
    try:
        pdf = base64.b64decode(report.certificate_pdf_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Invalid.field("certificate_pdf_base64", "not base64") from exc
    if not pdf.startswith(b"%PDF-"):
        raise Invalid.field("certificate_pdf_base64", "not a PDF")
    return pdf


async def _earlier_answer(s: AsyncSession, head: AnyRow | None, lsp_code: str, application_id: str,
                          report_id: str) -> StatusReportAnswer | None:
    """What a report with this id answered before (a retry), or None; a report id used for
    another report conflicts, an unknown application is not found."""
    if head is None:
        if await applications.report_done(s, report_id) is not None:
            raise _report_id_used()
        raise NotFound(f"application {application_id} not found")
    if head.done_answer is None:
        return None
    if head.done_lsp_code != lsp_code or head.done_application_id != application_id:
        raise _report_id_used()
    return StatusReportAnswer.model_validate(head.done_answer)


def _report_id_used() -> Conflict:
    return Conflict("report_id was already used for another report", field="report_id")


def _documents(s: AsyncSession | None, head: AnyRow, report: StatusReport, pdf: bytes | None) -> _Documents:
    """The reported invoice and certificate; the PDF to store once, its digest in the certificate."""
    docs = _Documents(head.invoice, head.certificate)
    if report.invoice is not None:
        docs.invoice = docs.changes["invoice"] = report.invoice.model_dump(mode="json")
    digest = sha256_hex(pdf) if pdf is not None else None
    if report.certificate is not None:
        docs.certificate = report.certificate.model_dump(mode="json")
        if digest is not None:
            docs.certificate["pdf_sha256"] = digest
        docs.changes["certificate"] = docs.certificate
    if pdf is not None and digest is not None:
        assert s is not None
        docs.stored.append(applications.document_insert(s, digest, pdf, "application/pdf", utcnow()))
        docs.changes["certificate_pdf_sha256"] = digest
        if docs.certificate is not None and docs.certificate.get("pdf_sha256") != digest:
            docs.certificate = docs.changes["certificate"] = {**docs.certificate, "pdf_sha256": digest}
    return docs


def _steps(head: AnyRow, plan: ReportPlan, report: StatusReport, documents: _Documents,
           ctx: SikiContext) -> Timeline:
    """``forwarded`` first if the report proves delivery (with the documents the application
    had), then the reported step (with the documents after the report)."""
    timeline = Timeline.of(head, ctx.appeal_window)
    if plan.forwarded_first:
        timeline.add(S.FORWARDED, at=utcnow(), actor="SIKI", note="delivery proven by the LSP's status report")
    timeline.documents(documents.invoice, documents.certificate)
    timeline.add(plan.target, at=report.at, actor=report.actor, note=report.note, reasons=report.reasons,
                 assessment=report.assessment)
    return timeline
