"""``receive_siki_webhook``: SIKI's webhooks to this LSP (Standard Webhooks): verified, applied
once, a replay answered 2xx.

The steps a webhook brings (``forwarded``, ``payment_uploaded``, ``appealed``, ...) are SIKI's
own: SIKI recorded them when it delivered, so the LSP records them on its timeline without
reporting them back. ``certificate.status_changed`` (LPJK suspended, reinstated, revoked or
superseded the certificate) is kept on the application, newest ``seq`` only. After a submission
or resubmission the LSP re-checks the ownership limits at SIKI (``usecases/eligibility.py``);
``application.withdrawn`` ends the application here.
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from pydantic import BaseModel, ValidationError
from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError
from standardwebhooks import Webhook

from services.lsp.db.models import Application, ProcessedWebhook, Scheme
from services.lsp.domain.machine import Action
from services.lsp.domain.precheck import run_precheck
from services.lsp.usecases import eligibility, forms, payments
from services.lsp.usecases.context import LspContext
from services.lsp.usecases.reports import drop_unsent
from services.lsp.usecases.steps import apply_step, check, load_application
from shared.begin_carrying import CLAIMED, NOW, begin_carrying, claim_text
from shared.bus.envelope import utcnow
from shared.contracts.siki import (
    AppealWebhookData,
    ApplicationSubmission,
    CertificateStatusWebhookData,
    CompletionWebhookData,
    PaymentProofWebhookData,
    WebhookBody,
    WithdrawalWebhookData,
)
from shared.contracts.states import ApplicationStatus as S
from shared.dialects import session_insert
from shared.exceptions import Conflict, Invalid, Unauthenticated
from shared.logging import get_logger

log = get_logger(__name__)

SIKI_ACTOR = "SIKI"
# The states of an application whose certificate LPJK has recorded.
ISSUED = (S.RECORDED.value, S.CERTIFICATE_ISSUED.value, S.COMPLETED.value)
M = TypeVar("M", bound=BaseModel)


def _unauthorized(detail: str) -> Unauthenticated:
    return Unauthenticated(f"webhook refused: {detail}", errors=[{"field": "webhook-signature", "message": detail}])


def verify_signature(ctx: LspContext, body: bytes, headers: Mapping[str, str], now: float | None = None) -> str:
    """Check the Standard Webhooks headers; return the webhook id. The replay window is this
    LSP's setting (the library's own check is fixed at 5 minutes), the HMAC is the library's."""
    wid = headers.get("webhook-id")
    ts = headers.get("webhook-timestamp")
    sig = headers.get("webhook-signature")
    if not (wid and ts and sig):
        raise _unauthorized("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        sent_at = int(ts)
    except ValueError as exc:
        raise _unauthorized("webhook-timestamp is not a Unix time") from exc
    if abs((now if now is not None else time.time()) - sent_at) > ctx.settings.webhook_tolerance_seconds:
        raise _unauthorized("webhook-timestamp outside the tolerance window")
    try:
        text = body.decode()
    except UnicodeDecodeError as exc:
        raise _unauthorized("body is not UTF-8") from exc
    # During a rotation the previous secret still counts, and SIKI may sign with both (several
    # space-separated signatures): any v1 signature by either secret is enough.
    secrets = [s.get_secret_value() for s in (ctx.settings.siki_webhook_secret,
                                               ctx.settings.siki_webhook_secret_previous) if s.get_secret_value()]
    expected = [Webhook(secret).sign(wid, datetime.fromtimestamp(sent_at, UTC), text).split(",", 1)[1]
                for secret in secrets]
    for candidate in sig.split(" "):
        version, _, value = candidate.partition(",")
        if version == "v1" and any(hmac.compare_digest(value.encode(), e.encode()) for e in expected):
            return wid
    raise _unauthorized("no matching signature")


def _parse(model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [{"field": "data." + ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
        raise Invalid.fields(errors) from exc


def _precheck(ctx: LspContext, app: Application, scheme: Scheme | None) -> None:
    """``scheme``: the one :func:`_check_scheme` read (the identity map holds it weakly, so
    reading it again by key would be another round trip)."""
    options = list((scheme.requirements if scheme else {}).get(str(app.jenjang), []))
    result = run_precheck(jenjang=app.jenjang, kualifikasi=app.kualifikasi, options=options, sections=app.sections,
                          education_rank=ctx.reference.education_rank, as_of=ctx.local_date(app.submitted_at),
                          kinds=eligibility.experience_kinds(ctx))
    app.precheck = {**result.as_dict(), "checked_at": utcnow().isoformat()}


def _take_submission(app: Application, sub: ApplicationSubmission) -> None:
    personal = sub.sections.get("personal") or {}
    qualification = sub.sections.get("qualification") or {}
    app.submission_no = sub.submission_no
    app.applicant_user_id = sub.applicant.user_id
    app.email = sub.applicant.email
    app.full_name = str(personal.get("full_name") or sub.applicant.full_name)
    app.nik = sub.nik
    app.klasifikasi_code = sub.klasifikasi_code
    app.subklasifikasi_code = sub.subklasifikasi_code
    app.kualifikasi = sub.kualifikasi
    app.jabatan_kerja_code = sub.jabatan_kerja_code
    app.jenjang = sub.jenjang
    app.application_kind = sub.application_kind
    app.previous_skk_number = sub.previous_skk_number
    app.previous_certificate = (None if sub.previous_certificate is None
                                else sub.previous_certificate.model_dump(mode="json"))
    app.pkb_credits = sub.pkb_credits
    app.changed_fields = list(sub.changed_fields) or None
    app.tuk_code = qualification.get("tuk_code")
    app.submitted_at = sub.submitted_at
    app.sections = sub.sections
    app.documents = [d.model_dump(mode="json") for d in sub.documents]


def _check_kind(sub: ApplicationSubmission) -> None:
    """A renewal or a change names the held SKK, which SIKI looked up in its register; a change
    says what changes. Refused (422, nothing stored) otherwise: the LSP never guesses the held SKK."""
    if sub.application_kind == "baru":
        return
    errors = []
    if not sub.previous_skk_number:
        errors.append({"field": "data.previous_skk_number", "message": f"required for {sub.application_kind}"})
    if sub.previous_certificate is None:
        errors.append({"field": "data.previous_certificate",
                       "message": f"required for {sub.application_kind} (SIKI fills it from its register)"})
    elif sub.previous_skk_number and sub.previous_certificate.skk_number != sub.previous_skk_number:
        errors.append({"field": "data.previous_certificate.skk_number",
                       "message": "does not match previous_skk_number"})
    if sub.application_kind == "perubahan" and not sub.changed_fields:
        errors.append({"field": "data.changed_fields", "message": "a change names at least one changed field"})
    if errors:
        raise Invalid.fields(errors)


async def _previous_values(session: AsyncSession, app: Application) -> None:
    """A change: the changed fields' values on the held certificate, when this LSP issued it (the
    application whose certificate carries the held recording number), so staff see old and new."""
    held = app.previous_certificate or {}
    if app.application_kind != "perubahan" or not held.get("recording_number"):
        app.previous_values = None
        return
    rows = await session.execute(
        select(Application).where(Application.id != app.id, Application.status.in_(ISSUED),
                                  Application.jabatan_kerja_code == held.get("jabatan_kerja_code"),
                                  Application.jenjang == held.get("jenjang")))
    for issued in rows.scalars():
        if (issued.certificate or {}).get("recording_number") == held["recording_number"]:
            personal = issued.sections.get("personal") or {}
            app.previous_values = {"full_name": str(personal.get("full_name") or issued.full_name)}
            return
    app.previous_values = None


async def _check_scheme(session: AsyncSession, ctx: LspContext, sub: ApplicationSubmission) -> Scheme:
    _check_kind(sub)
    if sub.lsp_code != ctx.code:
        raise Invalid.field("data.lsp_code", f"this is {ctx.code}, not {sub.lsp_code}")
    scheme = await session.get(Scheme, sub.jabatan_kerja_code)
    if scheme is None:
        raise Invalid.field("data.jabatan_kerja_code", f"{ctx.code} has no scheme for {sub.jabatan_kerja_code}")
    if sub.jenjang not in scheme.jenjang:
        raise Invalid.field("data.jenjang", f"the scheme has no jenjang {sub.jenjang}")
    return scheme


async def on_submitted(session: AsyncSession, ctx: LspContext, data: dict[str, Any]) -> str:
    sub = _parse(ApplicationSubmission, data)
    scheme = await _check_scheme(session, ctx, sub)
    existing = await session.get(Application, sub.id)
    if existing is not None:
        if existing.submission_no >= sub.submission_no:
            return "already received"
        raise Conflict("a later submission must come as application.resubmitted",
                       errors=[{"field": "data.submission_no", "message": "already have this application"}])
    now = utcnow()
    app = Application(id=sub.id, status=S.SUBMITTED.value, lsp_code=ctx.code, lsp_name=ctx.settings.lsp_name,
                      created_at=now, updated_at=now, payment_proof_no=0)
    _take_submission(app, sub)
    await _previous_values(session, app)
    _precheck(ctx, app, scheme)
    session.add(app)
    # One INSERT carries the application as received, checked and forwarded (not an INSERT and
    # two UPDATEs): the unit of work writes it before its timeline row, by their foreign key.
    await apply_step(session, ctx, app, S.FORWARDED, actor=SIKI_ACTOR, report=False,
                     note=f"Permohonan diterima dari SIKI (pengajuan ke-{sub.submission_no})")
    forms.request_forms(session, ctx, app)  # FR.APL.01/02 to SIKI once this commits
    return "created"


async def on_resubmitted(session: AsyncSession, ctx: LspContext, data: dict[str, Any]) -> str:
    sub = _parse(ApplicationSubmission, data)
    scheme = await _check_scheme(session, ctx, sub)
    app = await load_application(session, sub.id)
    if sub.submission_no <= app.submission_no:
        return "already received"
    check(Action.RECEIVE_RESUBMISSION, app, None)
    _take_submission(app, sub)
    await _previous_values(session, app)
    # The corrected application is checked and signed afresh.
    app.apl01_recommendation = app.apl01_signed_by = None
    app.apl01_signed_at = None
    _precheck(ctx, app, scheme)  # before the steps: written with the first one's UPDATE
    await apply_step(session, ctx, app, S.SUBMITTED, actor=SIKI_ACTOR, report=False, at=sub.submitted_at,
                     note="Permohonan diperbaiki dan diajukan ulang")
    await apply_step(session, ctx, app, S.FORWARDED, actor=SIKI_ACTOR, report=False,
                     note=f"Permohonan diterima dari SIKI (pengajuan ke-{sub.submission_no})")
    forms.request_forms(session, ctx, app)  # FR.APL.01/02 to SIKI once this commits
    return "updated"


async def on_payment_proof(session: AsyncSession, ctx: LspContext, data: dict[str, Any]) -> str:
    proof = _parse(PaymentProofWebhookData, data)
    app = await load_application(session, proof.application_id)
    if proof.proof_no <= app.payment_proof_no:
        return "already received"
    check(Action.RECEIVE_PAYMENT_PROOF, app, None)
    await payments.refuse_late_proof(session, ctx, app, proof.uploaded_at)  # after the due date: 409, no change
    app.payment_proof_no = proof.proof_no
    app.payment_proof = {**proof.document.model_dump(mode="json"), "uploaded_at": proof.uploaded_at.isoformat(),
                         "proof_no": proof.proof_no}
    await apply_step(session, ctx, app, S.PAYMENT_UPLOADED, actor=SIKI_ACTOR, report=False,
                     note=f"Bukti pembayaran ke-{proof.proof_no} diunggah")
    return "updated"


async def on_appeal(session: AsyncSession, ctx: LspContext, data: dict[str, Any]) -> str:
    appeal = _parse(AppealWebhookData, data)
    app = await load_application(session, appeal.application_id)
    if app.appeal_filed_at is not None and app.status != S.NOT_YET_COMPETENT.value:
        return "already received"
    check(Action.RECEIVE_APPEAL, app, None)
    app.appeal_reason, app.appeal_filed_at = appeal.reason, appeal.filed_at
    await apply_step(session, ctx, app, S.APPEALED, actor=SIKI_ACTOR, report=False, note="Banding diajukan")
    return "updated"


async def on_completed(session: AsyncSession, ctx: LspContext, data: dict[str, Any]) -> str:
    """The applicant downloaded the e-certificate: SIKI closed the application (``completed``,
    final; not reported back). Audited; the same completion again changes nothing."""
    completion = _parse(CompletionWebhookData, data)
    app = await load_application(session, completion.application_id)
    if app.status == S.COMPLETED.value:
        return "already received"
    check(Action.RECEIVE_COMPLETION, app, None)
    await apply_step(session, ctx, app, S.COMPLETED, actor=SIKI_ACTOR, report=False, at=completion.completed_at,
                     note="Sertifikat elektronik telah diunduh pemohon")
    await ctx.auditor.record(session, actor=SIKI_ACTOR, action="application.completed", target_type="application",
                             target_id=app.id, application_id=app.id,
                             detail={"completed_at": completion.completed_at.isoformat(),
                                     "skk_number": completion.skk_number})
    return "updated"


async def on_withdrawn(session: AsyncSession, ctx: LspContext, data: dict[str, Any]) -> str:
    """The applicant withdrew before a decision: final here too (staff actions then refused, the
    deadline sweep passes it by); reports SIKI would now refuse are dropped."""
    withdrawal = _parse(WithdrawalWebhookData, data)
    app = await load_application(session, withdrawal.application_id)
    if app.status == S.WITHDRAWN.value:
        return "already received"
    check(Action.RECEIVE_WITHDRAWAL, app, None)
    await apply_step(session, ctx, app, S.WITHDRAWN, actor=SIKI_ACTOR, report=False,
                     note="Permohonan ditarik oleh pemohon" + (f": {withdrawal.reason}" if withdrawal.reason else ""))
    await drop_unsent(session, app.id, "not sent: the applicant withdrew the application")
    return "updated"


async def on_certificate_status(session: AsyncSession, ctx: LspContext, data: dict[str, Any]) -> str:
    """LPJK changed the status of the certificate this LSP issued: kept on the application if
    newer (by ``seq``) than the last kept, so a late or repeated change takes nothing back.
    The application's own status (SIKI's timeline) does not move. Audited."""
    change = _parse(CertificateStatusWebhookData, data)
    app = await load_application(session, change.application_id)
    if change.seq <= int((app.certificate_status or {}).get("seq", 0)):
        return "already received"
    app.certificate_status = {
        "status": change.status.value, "previous_status": change.previous_status.value, "seq": change.seq,
        "reason": change.reason, "at": change.at.isoformat(), "superseded_by": change.superseded_by,
    }
    app.updated_at = utcnow()
    await ctx.auditor.record(session, actor=SIKI_ACTOR, action="certificate.status_changed", target_type="application",
                             target_id=app.id, application_id=app.id,
                             detail={"recording_number": change.recording_number, "seq": change.seq,
                                     "status": change.status.value, "previous_status": change.previous_status.value})
    return "updated"


HANDLERS: dict[str, Callable[[AsyncSession, LspContext, dict[str, Any]], Awaitable[str]]] = {
    "application.submitted": on_submitted,
    "application.resubmitted": on_resubmitted,
    "payment.proof_uploaded": on_payment_proof,
    "appeal.filed": on_appeal,
    "application.completed": on_completed,
    "application.withdrawn": on_withdrawn,
    "certificate.status_changed": on_certificate_status,
}


async def _first_delivery(session: AsyncSession, wid: str, type_: str, application_id: object) -> bool:
    """Note the webhook id as processed (in the caller's transaction); False if it already was.
    One statement, not a read and then an insert: the insert that finds the id taken does
    nothing. A twin delivered at the same instant waits for this transaction's row, then finds
    it taken, or fails on the primary key (``IntegrityError``, a duplicate too)."""
    insert = session_insert(session)
    noted = await session.execute(
        insert(ProcessedWebhook)
        .values(webhook_id=wid, type=type_, received_at=utcnow(),
                application_id=str(application_id) if application_id else None)
        .on_conflict_do_nothing(index_elements=["webhook_id"])
        .returning(ProcessedWebhook.webhook_id))
    return noted.first() is not None


async def _once(session: AsyncSession, wid: str, type_: str, application_id: object,
                apply: Callable[[], Awaitable[str]]) -> str | None:
    """``apply``'s outcome in the session's transaction, unless the webhook id was processed
    before (None). On PostgreSQL the note of the id rides in the transaction's ``BEGIN``
    (``shared/begin_carrying.py``) when its values are plainly safe to write; else
    :func:`_first_delivery`."""
    carried = claim_text(session, cast(Table, ProcessedWebhook.__table__), {
        "webhook_id": wid, "type": type_, "application_id": str(application_id) if application_id else None,
        "received_at": NOW})
    if carried is None:
        return await apply() if await _first_delivery(session, wid, type_, application_id) else None
    async with begin_carrying(session, carried) as status:
        return await apply() if status == CLAIMED else None


# Work to run once the answer to SIKI is sent: ``later(coroutine function, *args)``.
Later = Callable[..., None]


async def _recheck_after_answer(ctx: LspContext, application_id: str) -> None:
    try:
        await eligibility.recheck(ctx, application_id)
    except Exception as exc:  # the answer is sent: nobody to tell but the log; checked before acceptance
        log.warning("eligibility re-check after the webhook failed; will check before acceptance",
                    application_id=application_id, error=repr(exc))


async def receive_webhook(ctx: LspContext, body: bytes, headers: Mapping[str, str], later: Later) -> dict[str, Any]:
    """Verify, parse and apply one webhook. The re-check at SIKI that a submission asks for runs
    through ``later``, after the answer is sent."""
    wid = verify_signature(ctx, body, headers)
    try:
        raw = json.loads(body)
    except ValueError as exc:
        log.info("webhook body refused: not JSON", webhook_id=wid, error=str(exc))
        raise Invalid.field("body", "not JSON") from exc
    try:
        parsed = WebhookBody.model_validate(raw)
    except ValidationError as exc:
        # Each field and what it must be; the parser's own text (with input echoed) is not sent.
        raise Invalid.fields([{"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]}
                              for e in exc.errors(include_url=False, include_input=False)]) from exc
    handler = HANDLERS[parsed.type]
    try:
        async with ctx.sessions() as session, session.begin():
            application_id = parsed.data.get("application_id") or parsed.data.get("id")
            found = await _once(session, wid, parsed.type, application_id,
                                lambda: handler(session, ctx, parsed.data))
            if found is None:
                return {"webhook_id": wid, "type": parsed.type, "outcome": "duplicate"}
            outcome = found
    except IntegrityError:
        # The same webhook id delivered twice at once: the other delivery took effect.
        return {"webhook_id": wid, "type": parsed.type, "outcome": "duplicate"}
    except StaleDataError as exc:
        # A staff action changed the application meanwhile; SIKI retries the delivery.
        raise Conflict("the application changed meanwhile; retry the delivery",
                       errors=[{"field": "status", "message": "concurrent change"}]) from exc
    log.info("webhook processed", webhook_id=wid, type=parsed.type, outcome=outcome)
    if parsed.type in eligibility.RECHECKED_ON and outcome != "already received":
        # After the commit: SIKI's answer (or its absence) never undoes the receipt. And after
        # the answer: SIKI's delivery (and so the application's forwarding) does not wait for
        # the LSP's call back to SIKI; lost in a crash, the check is made before acceptance.
        later(_recheck_after_answer, ctx, str(application_id))
    return {"webhook_id": wid, "type": parsed.type, "outcome": outcome}
