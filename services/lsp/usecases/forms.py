"""An application's FR.APL.01 and FR.APL.02: built from the application (its sections as
received) and its scheme; APL-01 signed by the LSP once the admin verified it.

- ``download_apl01`` / ``download_apl02``: this LSP's staff (an asesor only for an application
  assigned to them), audited.
- On receipt (``request_forms``, an outbox event): APL-02 and the unsigned APL-01 go to SIKI
  (``send_forms``, retried by the bus until SIKI takes them); SIKI keeps them for the applicant.
- With the verification report (``report_forms``): the signed APL-01 and APL-02 travel in the
  status report itself, so SIKI shows the step and the signed form together.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
from collections import OrderedDict
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from services.lsp.db.models import Application, Scheme, Staff
from services.lsp.gateways import SikiRefused
from services.lsp.usecases.context import LspContext
from services.lsp.usecases.queries import may_see
from services.lsp.usecases.staff import StaffPrincipal, audit
from services.lsp.usecases.steps import load_application
from shared.contracts.events import FormsPending
from shared.contracts.siki import ApplicationFormFile, ApplicationFormsUpload
from shared.contracts.states import ApplicationStatus as S
from shared.database import read_session
from shared.exceptions import NotFound
from shared.logging import get_logger

log = get_logger(__name__)

Form = Literal["apl01", "apl02"]
PURPOSES = {"baru": "Sertifikasi (baru)", "perpanjangan": "Sertifikasi ulang (perpanjangan)",
            "perubahan": "Perubahan data SKK (tanpa asesmen)"}
# Once final here, SIKI takes no more forms for the application.
_NOT_SENT_IN = frozenset({S.WITHDRAWN.value})


def self_assessment(sections: dict[str, Any], unit_codes: set[str]) -> tuple[dict[str, str], list[str]]:
    """The applicant's K/BK per unit (qualification.self_assessment) limited to the scheme's
    units; the codes it does not know are returned apart (the form warns about them)."""
    answers: dict[str, str] = {}
    unknown: list[str] = []
    items = (sections.get("qualification") or {}).get("self_assessment") or []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        code, answer = str(item.get("unit_code") or "").strip(), str(item.get("answer") or "").upper()
        if not code or answer not in ("K", "BK"):
            continue
        if code in unit_codes:
            answers[code] = answer
        elif code not in unknown:
            unknown.append(code)
    return answers, unknown


async def _data(session: AsyncSession, ctx: LspContext, app: Application) -> Any:
    from services.lsp.documents.apl import AplData, Recommendation  # fpdf2 only when a form is built

    scheme = await session.get(Scheme, app.jabatan_kerja_code)
    if scheme is None:
        raise NotFound(f"this LSP has no scheme for jabatan kerja {app.jabatan_kerja_code}",
                       errors=[{"field": "jabatan_kerja_code", "message": "no scheme"}])
    units = list(scheme.units or [])
    answers, unknown = self_assessment(app.sections or {}, {str(u.get("code")) for u in units})
    recommendation = None
    if app.apl01_recommendation and app.apl01_signed_by and app.apl01_signed_at:
        admin = await session.get(Staff, app.apl01_signed_by)
        name = str(getattr(admin, "full_name", None) or app.apl01_signed_by)
        recommendation = Recommendation(
            decision=app.apl01_recommendation, admin_name=name, admin_username=app.apl01_signed_by,
            at_local=app.apl01_signed_at.astimezone(ctx.tz),
            reasons=list(app.return_reasons or []) if app.apl01_recommendation == "rejected" else [])
    personal = (app.sections or {}).get("personal") or {}
    return AplData(
        application_id=app.id, submission_no=app.submission_no, lsp_code=app.lsp_code, lsp_name=app.lsp_name,
        full_name=str(personal.get("full_name") or app.full_name), nik=app.nik, sections=dict(app.sections or {}),
        documents=list(app.documents or []), jenjang=app.jenjang, application_kind=app.application_kind,
        tuk_code=app.tuk_code, purpose=PURPOSES.get(app.application_kind, app.application_kind),
        scheme={"jabatan_kerja_code": scheme.jabatan_kerja_code, "name": scheme.name,
                "kualifikasi": scheme.kualifikasi, "skkni": scheme.skkni, "requirements": scheme.requirements,
                "units": units},
        self_assessment=answers, unknown_units=unknown, recommendation=recommendation,
    )


def _sign(pdf: bytes, ctx: LspContext, lsp_name: str) -> bytes:
    """In a worker thread: the LSP's PAdES signature (as on the e-certificate), on the last page."""
    from services.lsp.issuance.settings import issuance_settings
    from services.lsp.issuance.signing import identity_for, sign_pdf_blocking

    identity = identity_for(issuance_settings(ctx.settings), ctx.code, lsp_name)
    return sign_pdf_blocking(pdf, identity, lsp_name=lsp_name, on_page=-1,
                             reason="Verifikasi FR.APL.01 Permohonan Sertifikasi Kompetensi")


# The forms last built, by what they print: the same form is built again on the verification
# report (APL-02 unchanged since the receipt), on downloads and on the bus's retries of
# ``send_forms``; a form some 40 kB, so 64 of them stay small.
_BUILT: OrderedDict[str, tuple[bytes, bool]] = OrderedDict()
_BUILT_MAX = 64


def _key(data: Any, form: Form, identity: object) -> str:
    # APL-02 prints no recommendation: the same APL-02 before and after the verification.
    shown = data if form == "apl01" else dataclasses.replace(data, recommendation=None)
    return hashlib.sha256(repr((form, shown, identity)).encode()).hexdigest()


async def _build(ctx: LspContext, data: Any, form: Form, lsp_name: str) -> tuple[bytes, bool]:
    from services.lsp.documents.apl import render_apl01, render_apl02
    from services.lsp.issuance.settings import issuance_settings
    from services.lsp.issuance.signing import identity_for

    signed = form == "apl01" and data.recommendation is not None
    identity = identity_for(issuance_settings(ctx.settings), ctx.code, lsp_name) if signed else None
    key = _key(data, form, identity.cert_pem if identity is not None else None)
    found = _BUILT.get(key)
    if found is not None:
        _BUILT.move_to_end(key)
        return found
    if form == "apl02":
        pdf = await asyncio.to_thread(render_apl02, data)
    else:
        pdf = await asyncio.to_thread(render_apl01, data)
        if signed:
            pdf = await asyncio.to_thread(_sign, pdf, ctx, lsp_name)
    _BUILT[key] = (pdf, signed)
    while len(_BUILT) > _BUILT_MAX:
        _BUILT.popitem(last=False)
    return pdf, signed


async def form_files(session: AsyncSession, ctx: LspContext, app: Application) -> list[ApplicationFormFile]:
    return await _files(ctx, await _data(session, ctx, app))  # the data read once for both forms


async def _files(ctx: LspContext, data: Any) -> list[ApplicationFormFile]:
    """Both forms from their data; needs no database connection (the rendering and signing
    take a worker thread for tens of milliseconds each, longer under load)."""
    out = []
    for form in ("apl01", "apl02"):
        pdf, signed = await _build(ctx, data, form, data.lsp_name)  # type: ignore[arg-type]
        out.append(ApplicationFormFile(form=form, signed=signed,  # type: ignore[arg-type]
                                       submission_no=data.submission_no,
                                       content_base64=base64.b64encode(pdf).decode()))
    return out


async def download(ctx: LspContext, staff: StaffPrincipal, application_id: str, form: Form) -> tuple[bytes, str]:
    """``download_apl01`` / ``download_apl02``: the PDF and its file name. The view is audited
    in the transaction that read the data; the PDF is built after it, holding no connection."""
    async with ctx.sessions() as session, session.begin():
        app = await load_application(session, application_id)
        await may_see(session, staff, app)
        data = await _data(session, ctx, app)
        signed = form == "apl01" and data.recommendation is not None
        await audit(ctx, session, staff, "application.form_downloaded", application_id=app.id,
                    detail={"form": form, "signed": signed})
    pdf, _ = await _build(ctx, data, form, data.lsp_name)
    return pdf, f"FR.APL.{'01' if form == 'apl01' else '02'}-{application_id}.pdf"


def request_forms(session: AsyncSession, ctx: LspContext, app: Application) -> None:
    """In the receipt's transaction: the forms go to SIKI once it committed (``send_forms``)."""
    ctx.emit(session, FormsPending(lsp_code=ctx.code, application_id=app.id))


async def send_forms(ctx: LspContext, application_id: str) -> bool:
    """The forms as they are now, to SIKI (idempotent there: the latest of each is kept).
    Raises while SIKI is unreachable (the bus retries); a refusal is logged and not retried."""
    async with read_session(ctx.sessions) as session:
        app = await session.get(Application, application_id)
        if app is None or app.status in _NOT_SENT_IN:
            return False
        try:
            data = await _data(session, ctx, app)
        except NotFound as exc:  # no scheme any more: nothing to build, nothing to retry
            log.warning("forms not built", application_id=application_id, error=str(exc))
            return False
    # Built once the session is closed: under load the rendering held pool connections for
    # seconds, and the pool's wait ran out for other requests.
    upload = ApplicationFormsUpload(forms=await _files(ctx, data))
    try:
        await ctx.siki.submit_forms(application_id, upload.model_dump(mode="json"))
    except SikiRefused as exc:
        log.warning("SIKI refused the application's forms", application_id=application_id, error=str(exc))
        return False
    log.info("forms sent to SIKI", application_id=application_id)
    return True


async def report_forms(session: AsyncSession, ctx: LspContext, app: Application) -> list[dict[str, Any]] | None:
    """The forms as the step about to be staged leaves them (APL-01 signed), for its report
    (``steps.apply_step(..., forms=...)``): they travel with it to SIKI, written with the report
    rather than into it afterwards. Read without autoflush, so that the application's changes
    go in the step's one update. None (logged) when there is no scheme any more: the step goes
    ahead without forms."""
    try:
        with session.no_autoflush:
            files = await form_files(session, ctx, app)
    except NotFound as exc:
        log.warning("forms not attached to the report", application_id=app.id, error=str(exc))
        return None
    return [f.model_dump(mode="json") for f in files]
