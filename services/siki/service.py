"""SIKI's use cases: each one transaction in which the state change, its timeline entry, its
events and its webhook delivery are written together. The routes (api/) and the consumers
(events.py) call these; the rules themselves live in domain/."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast

import aiohttp
import httpx
from sqlalchemy import Row, Table, Text, bindparam, case, insert, literal, select, update
from sqlalchemy import cast as cast_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from services.siki.db.models import (
    Application,
    Lsp,
    SkkHeld,
    StatusReportRecord,
    StoredDocument,
    TimelineEntry,
    WebhookAttempt,
    WebhookDelivery,
)
from services.siki.domain.consistency import date_errors, parse_date
from services.siki.domain.flow import ReportRefused, allowed_next, plan_report, submission_check
from services.siki.domain.limits import Holding, ownership_limit_errors
from services.siki.domain.webhooks import (
    SUBMISSION_TYPES,
    new_api_key,
    new_webhook_secret,
    signed_headers,
    webhook_body,
)
from services.siki.settings import SikiSettings
from shared.bus import Delivery, EventEnvelope
from shared.bus.keyed_lock import KeyedLock
from shared.contracts.events import (
    APPLICATION_STATUS_CHANGED,
    WEBHOOK_REQUESTED,
    CertificateDownloaded,
    SkkRecorded,
    StatusChanged,
    WebhookRequested,
)
from shared.contracts.siki import (
    AppealSubmission,
    AppealWebhookData,
    ApplicationSubmission,
    Certificate,
    Invoice,
    PaymentProofSubmission,
    PaymentProofWebhookData,
    StatusReport,
    SubmissionAccepted,
    WebhookType,
)
from shared.contracts.states import IN_PROGRESS_STATES, ApplicationStatus, can_transition
from shared.devdefaults import DEV_LSPS, dev_api_key, dev_lsp_url, dev_webhook_secret
from shared.errors import Problem, not_found, validation_problem
from shared.logging import get_logger
from shared.reference import check_qualification, get_reference
from shared.reference.identity import nik_errors
from shared.runtime import ServiceRuntime

log = get_logger(__name__)
S = ApplicationStatus

DELIVERY_PENDING = "pending"
DELIVERY_FAILED = "failed"
DELIVERY_DELIVERED = "delivered"
DELIVERY_DEAD = "dead"
DELIVERY_STATUSES = (DELIVERY_PENDING, DELIVERY_FAILED, DELIVERY_DELIVERED, DELIVERY_DEAD)
EXCERPT_CHARS = 500


class WebhookAttemptFailed(Exception):
    """Raised so that the bus retries the delivery with backoff."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def sha256_hex(value: str | bytes) -> str:
    return hashlib.sha256(value.encode() if isinstance(value, str) else value).hexdigest()


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored as UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


# Statements of the hot reads, built once (only their parameters change per call).
_LSP_BY_KEY = select(Lsp.code, Lsp.api_key_sha256).where(Lsp.api_key_sha256 == bindparam("digest"))
_APP_HEAD = select(Application.id, Application.status, Application.lsp_code).where(
    Application.id == bindparam("application_id"))
_TIMELINE = (
    select(TimelineEntry.seq, TimelineEntry.status, TimelineEntry.at, TimelineEntry.actor, TimelineEntry.note,
           TimelineEntry.reasons)
    .where(TimelineEntry.application_id == bindparam("application_id"))
    .order_by(TimelineEntry.seq)
)
_CERTIFICATE_PDF = (
    select(Application.certificate_pdf_sha256, StoredDocument.content)
    .select_from(Application)
    .outerjoin(StoredDocument, StoredDocument.sha256 == Application.certificate_pdf_sha256)
    .where(Application.id == bindparam("application_id"))
)
_DELIVERY_TO_SEND = (
    select(WebhookDelivery.id, WebhookDelivery.application_id, WebhookDelivery.lsp_code, WebhookDelivery.type,
           WebhookDelivery.body, WebhookDelivery.status, Lsp.webhook_url, Lsp.webhook_secret)
    .select_from(WebhookDelivery)
    .outerjoin(Lsp, Lsp.code == WebhookDelivery.lsp_code)
    .where(WebhookDelivery.id == bindparam("delivery_id"))
)
# The columns a step needs of its application (never the stored submission, a few KB of JSON
# that none of these paths reads), locked for the transaction.
_STEP_COLUMNS = (Application.id, Application.status, Application.last_seq, Application.submission_no,
                 Application.lsp_code, Application.applicant_user_id, Application.applicant_email,
                 Application.invoice, Application.certificate)
_SUBMIT_HEAD = (select(Application.id, Application.status, Application.last_seq, Application.submission_no,
                       Application.lsp_code)
                .where(Application.id == bindparam("application_id")).with_for_update())
# A report's application (locked) and, in the same round trip, what an earlier report with the
# same id answered.
_REPORT_HEAD = (
    select(*_STEP_COLUMNS, StatusReportRecord.lsp_code.label("done_lsp_code"),
           StatusReportRecord.application_id.label("done_application_id"),
           StatusReportRecord.answer.label("done_answer"))
    .select_from(Application)
    .outerjoin(StatusReportRecord, StatusReportRecord.report_id == bindparam("report_id"))
    .where(Application.id == bindparam("application_id"))
    .with_for_update(of=Application)
)
_NO_SUBMISSION = [defer(Application.submission)]
_STEP_HEAD = select(*_STEP_COLUMNS).where(Application.id == bindparam("application_id")).with_for_update()
_DELIVERY_STATE = (
    select(WebhookDelivery.id, WebhookDelivery.application_id, WebhookDelivery.type, WebhookDelivery.status,
           WebhookDelivery.attempt_count, WebhookDelivery.dedupe_key)
    .where(WebhookDelivery.id == bindparam("delivery_id")).with_for_update()
)
_REPORT_DONE = select(StatusReportRecord.lsp_code, StatusReportRecord.application_id, StatusReportRecord.answer).where(
    StatusReportRecord.report_id == bindparam("report_id"))
_DOCUMENT_EXISTS = select(StoredDocument.sha256).where(StoredDocument.sha256 == bindparam("sha256"))
_KIND_SKK, _KIND_APP, _KIND_LSP_ACTIVE, _KIND_LSP_INACTIVE = "skk", "app", "lsp", "lsp-inactive"
IN_PROGRESS_VALUES = [st.value for st in IN_PROGRESS_STATES]
# What a failed webhook attempt may raise: httpx's errors, and with the aiohttp backend the
# few of aiohttp's that its transport does not map to httpx's.
_HTTP_ERRORS: tuple[type[Exception], ...] = (httpx.HTTPError, aiohttp.ClientError, TimeoutError)


# The tables themselves, for plain Core statements (no ORM unit of work on the hot paths).
_APPLICATIONS = cast(Table, Application.__table__)
_TIMELINE_TABLE = cast(Table, TimelineEntry.__table__)
_DELIVERIES_TABLE = cast(Table, WebhookDelivery.__table__)
_REPORTS_TABLE = cast(Table, StatusReportRecord.__table__)
_ATTEMPTS_TABLE = cast(Table, WebhookAttempt.__table__)


@dataclass(frozen=True)
class _Step:
    timeline: dict[str, Any]
    payload: dict[str, Any]


@dataclass(frozen=True)
class LspCredentials:
    code: str
    webhook_secret: str
    api_key: str


class Siki:
    def __init__(self, runtime: ServiceRuntime, settings: SikiSettings) -> None:
        self.runtime = runtime
        self.settings = settings
        self.sessions = runtime.sessions
        # Single-statement reads need no transaction: in autocommit mode asyncpg sends the one
        # query, not BEGIN, the query and ROLLBACK (three round trips). Same pool.
        self.reads = runtime.engine.execution_options(isolation_level="AUTOCOMMIT")
        # Serialise changes to one application (and limit checks for one NIK) in this process,
        # so two concurrent commands cannot both read the same state and both append.
        self.app_locks = KeyedLock()
        self.nik_locks = KeyedLock()
        self._http: httpx.AsyncClient | None = None

    # --- life cycle ------------------------------------------------------------------------

    def _new_http(self) -> httpx.AsyncClient:
        transport: httpx.AsyncBaseTransport | None = None
        if self.settings.http_backend == "aiohttp":
            # The httpx API on aiohttp's client, as the service clients use it when so configured
            # (several times the calls per second); the default stays httpx, which tests mock.
            from httpx_aiohttp import AiohttpTransport

            transport = AiohttpTransport(limits=httpx.Limits(max_connections=100, max_keepalive_connections=50))
        return httpx.AsyncClient(timeout=httpx.Timeout(self.settings.webhook_timeout_seconds), transport=transport)

    async def start(self) -> None:
        self._http = self._new_http()
        if self.settings.is_dev and self.settings.seed_dev_lsps:
            await self.seed_dev_lsps()

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = self._new_http()
        return self._http

    # --- the LSP registry ------------------------------------------------------------------

    def dev_webhook_url(self, code: str) -> str:
        base = self.settings.dev_lsp_urls.get(code) or dev_lsp_url(code)
        return base.rstrip("/") + self.settings.webhook_path

    async def seed_dev_lsps(self) -> None:
        ref = get_reference()
        async with self.sessions() as s, s.begin():
            for code, dev in DEV_LSPS.items():
                url = self.dev_webhook_url(code)
                row = await s.get(Lsp, code)
                licence = ref.lsps.get(code, {}).get("jabatan_kerja_codes", [])
                if row is not None:
                    # The dev LSPs follow the configured URLs and the reference data; their
                    # credentials (perhaps rotated by an operator) are kept.
                    row.webhook_url = url
                    row.jabatan_kerja_codes = list(licence)
                    continue
                s.add(Lsp(
                    code=code, name=str(dev["name"]), webhook_url=url,
                    webhook_secret=dev_webhook_secret(code), api_key_sha256=sha256_hex(dev_api_key(code)),
                    jabatan_kerja_codes=list(licence), active=True, created_at=utcnow(),
                ))

    async def register_lsp(self, code: str, name: str, webhook_url: str, jabatan_kerja_codes: list[str],
                           active: bool = True) -> tuple[Lsp, LspCredentials]:
        ref = get_reference()
        unknown = [c for c in jabatan_kerja_codes if c not in ref.jabatan_kerja]
        if unknown:
            raise validation_problem([{"field": "jabatan_kerja_codes",
                                       "message": f"unknown jabatan kerja: {', '.join(unknown)}"}])
        secret, api_key = new_webhook_secret(), new_api_key()
        async with self.sessions() as s, s.begin():
            if await s.get(Lsp, code) is not None:
                raise Problem(409, f"LSP {code} is already registered; rotate its secret instead",
                              field="code")
            row = Lsp(code=code, name=name, webhook_url=webhook_url, webhook_secret=secret,
                      api_key_sha256=sha256_hex(api_key), jabatan_kerja_codes=list(jabatan_kerja_codes),
                      active=active, created_at=utcnow())
            s.add(row)
        log.info("LSP registered", lsp_code=code)
        return row, LspCredentials(code, secret, api_key)

    async def rotate_lsp_secret(self, code: str) -> tuple[Lsp, LspCredentials]:
        secret, api_key = new_webhook_secret(), new_api_key()
        async with self.sessions() as s, s.begin():
            row = await s.get(Lsp, code, with_for_update=True)
            if row is None:
                raise not_found(f"LSP {code}")
            row.webhook_secret = secret
            row.api_key_sha256 = sha256_hex(api_key)
            row.rotated_at = utcnow()
        log.info("LSP credentials rotated", lsp_code=code)
        return row, LspCredentials(code, secret, api_key)

    async def list_lsps(self) -> list[Lsp]:
        async with self.sessions() as s:
            return list((await s.execute(select(Lsp).order_by(Lsp.code))).scalars())

    async def lsp_code_by_api_key(self, api_key: str) -> str | None:
        """The code of the LSP this api key belongs to (read on every call: a rotated key stops
        working at once), on a plain connection: an ORM session is not needed for one value."""
        digest = sha256_hex(api_key)
        async with self.reads.connect() as conn:
            row = (await conn.execute(_LSP_BY_KEY, {"digest": digest})).first()
        # The lookup is by hash already; compare again in constant time for good measure.
        if row is not None and hmac.compare_digest(row.api_key_sha256, digest):
            return str(row.code)
        return None

    # --- the timeline and its events ---------------------------------------------------------

    def _append(self, s: AsyncSession, app: Application, status: ApplicationStatus, *, at: datetime,
                actor: str, note: str | None = None, reasons: list[str] | None = None) -> TimelineEntry:
        """One timeline entry, the application's new status and its status_changed event."""
        previous = S(app.status) if app.status else None
        at = _aware(at) or at  # a naive time from a caller is taken as UTC
        app.last_seq = (app.last_seq or 0) + 1
        app.status = status.value
        app.updated_at = utcnow()
        entry = TimelineEntry(application_id=app.id, seq=app.last_seq, status=status.value,
                              previous_status=previous.value if previous else None, at=at, actor=actor,
                              note=note, reasons=list(reasons or []))
        s.add(entry)
        event = StatusChanged(
            application_id=app.id, seq=app.last_seq, status=status, previous_status=previous, at=at,
            actor=actor, note=note, reasons=list(reasons or []), lsp_code=app.lsp_code,
            applicant_user_id=app.applicant_user_id, applicant_email=app.applicant_email,
            invoice=Invoice.model_validate(app.invoice) if app.invoice else None,
            certificate=Certificate.model_validate(app.certificate) if app.certificate else None,
        )
        self.runtime.emit(s, APPLICATION_STATUS_CHANGED, event.model_dump(mode="json"), application_id=app.id)
        return entry

    async def _request_webhook(self, s: AsyncSession, app: Application, type_: WebhookType,
                               data: dict[str, Any], dedupe_key: str) -> WebhookDelivery | None:
        """Record a delivery and ask the bus to deliver it; a known ``dedupe_key`` adds nothing."""
        existing = (await s.execute(
            select(WebhookDelivery.id).where(WebhookDelivery.dedupe_key == dedupe_key)
        )).scalar_one_or_none()
        if existing is not None:
            return None
        now = utcnow()
        row = WebhookDelivery(
            id=str(uuid.uuid4()), dedupe_key=dedupe_key, application_id=app.id, lsp_code=app.lsp_code,
            type=type_, body=webhook_body(type_, data, now), status=DELIVERY_PENDING, attempt_count=0,
            redeliveries=0, created_at=now,
        )
        s.add(row)
        self.runtime.emit(s, WEBHOOK_REQUESTED, WebhookRequested(delivery_id=row.id).model_dump(mode="json"),
                          application_id=app.id)
        return row

    # --- submission -------------------------------------------------------------------------

    async def submit(self, sub: ApplicationSubmission) -> SubmissionAccepted:
        # Core statements on the few columns needed (no ORM unit of work; the stored submission is
        # not loaded): the head is locked, the LSP and the limits read in one round trip, the
        # writes are one statement per table. The checks that need no database run before a
        # connection is taken.
        static = self._static_errors(sub)
        async with self.nik_locks.hold(sha256_hex(sub.nik)), self.app_locks.hold(sub.id), \
                self.sessions() as s, s.begin():
            head = (await s.execute(_SUBMIT_HEAD, {"application_id": sub.id})).first()
            try:
                kind = submission_check(S(head.status) if head else None,
                                        head.submission_no if head else None, sub.submission_no)
            except ValueError as exc:
                assert head is not None
                raise Problem(409, str(exc), field="submission_no", current_status=head.status,
                              allowed=allowed_next(S(head.status))) from exc
            if kind == "duplicate":
                assert head is not None
                return SubmissionAccepted(id=head.id, status=S.SUBMITTED, lsp_code=head.lsp_code)
            errors = await self._submission_errors(s, sub, head.lsp_code if head else None, static)
            if errors:
                raise validation_problem(
                    errors, detail=f"the application cannot be submitted: {len(errors)} reason(s)")
            now = utcnow()
            body = sub.model_dump(mode="json")
            previous = S(head.status) if head is not None and head.status else None
            seq = (head.last_seq or 0) + 1 if head is not None else 1
            values: dict[str, Any] = {
                "nik": sub.nik, "lsp_code": sub.lsp_code, "applicant_user_id": sub.applicant.user_id,
                "applicant_email": sub.applicant.email, "klasifikasi_code": sub.klasifikasi_code,
                "subklasifikasi_code": sub.subklasifikasi_code, "kualifikasi": sub.kualifikasi,
                "jabatan_kerja_code": sub.jabatan_kerja_code, "jenjang": sub.jenjang,
                "submission_no": sub.submission_no, "submission": body, "status": S.SUBMITTED.value,
                "last_seq": seq, "updated_at": now,
            }
            if head is None:
                await s.execute(insert(_APPLICATIONS).values(id=sub.id, last_proof_no=0, created_at=now, **values))
            else:
                await s.execute(update(_APPLICATIONS).where(_APPLICATIONS.c.id == sub.id).values(**values))
            resubmit = kind == "resubmit"
            event = self._step(
                sub.id, seq, previous, S.SUBMITTED, at=sub.submitted_at, actor="applicant",
                note=f"resubmission #{sub.submission_no}" if resubmit else None, lsp_code=sub.lsp_code,
                applicant_user_id=sub.applicant.user_id, applicant_email=sub.applicant.email,
                invoice=None, certificate=None,
            )
            await s.execute(insert(_TIMELINE_TABLE).values(**event.timeline))
            # A new submission number has no delivery yet (the delivery of a submission commits
            # with it), so there is no dedupe key to look up; the unique key still guards it.
            delivery_id = await self._insert_delivery(
                s, sub.id, sub.lsp_code, "application.resubmitted" if resubmit else "application.submitted",
                body, dedupe_key=f"{sub.id}:submission:{sub.submission_no}", now=now)
            self.runtime.emit(s, APPLICATION_STATUS_CHANGED, event.payload, application_id=sub.id)
            self._emit_webhook_requested(s, sub.id, delivery_id)
            log.info("application submitted", application_id=sub.id, lsp_code=sub.lsp_code,
                     submission_no=sub.submission_no)
            return SubmissionAccepted(id=sub.id, status=S.SUBMITTED, lsp_code=sub.lsp_code)

    def _step(self, application_id: str, seq: int, previous: ApplicationStatus | None,
              status: ApplicationStatus, *, at: datetime, actor: str, note: str | None,
              lsp_code: str, applicant_user_id: str, applicant_email: str,
              invoice: dict[str, Any] | None, certificate: dict[str, Any] | None,
              reasons: list[str] | None = None) -> _Step:
        """A timeline entry's row and its status_changed event (what :meth:`_append` adds with
        the ORM), for the Core paths."""
        at = _aware(at) or at  # a naive time from a caller is taken as UTC
        reasons = list(reasons or [])
        timeline = {"application_id": application_id, "seq": seq, "status": status.value,
                    "previous_status": previous.value if previous else None, "at": at, "actor": actor,
                    "note": note, "reasons": reasons}
        event = StatusChanged(
            application_id=application_id, seq=seq, status=status, previous_status=previous, at=at,
            actor=actor, note=note, reasons=list(reasons), lsp_code=lsp_code,
            applicant_user_id=applicant_user_id, applicant_email=applicant_email,
            invoice=Invoice.model_validate(invoice) if invoice else None,
            certificate=Certificate.model_validate(certificate) if certificate else None,
        )
        return _Step(timeline, event.model_dump(mode="json"))

    async def _insert_delivery(self, s: AsyncSession, application_id: str, lsp_code: str, type_: WebhookType,
                               data: dict[str, Any], *, dedupe_key: str, now: datetime) -> str:
        delivery_id = str(uuid.uuid4())
        await s.execute(insert(_DELIVERIES_TABLE).values(
            id=delivery_id, dedupe_key=dedupe_key, application_id=application_id, lsp_code=lsp_code,
            type=type_, body=webhook_body(type_, data, now), status=DELIVERY_PENDING, attempt_count=0,
            redeliveries=0, created_at=now,
        ))
        return delivery_id

    def _emit_webhook_requested(self, s: AsyncSession, application_id: str, delivery_id: str) -> None:
        self.runtime.emit(s, WEBHOOK_REQUESTED, WebhookRequested(delivery_id=delivery_id).model_dump(mode="json"),
                          application_id=application_id)

    def _static_errors(self, sub: ApplicationSubmission) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
        """The checks that need no database, computed before a connection is taken: the
        qualification's errors and the applicant's (personal data, dates)."""
        ref = get_reference()
        # SIKI's own registry, not the reference file, says which LSPs exist and what they may
        # certify (a third-party LSP registered by an operator is not in the reference data).
        qualification = [e for e in check_qualification(
            ref, lsp_code=sub.lsp_code, klasifikasi_code=sub.klasifikasi_code,
            subklasifikasi_code=sub.subklasifikasi_code, kualifikasi=sub.kualifikasi,
            jabatan_kerja_code=sub.jabatan_kerja_code, jenjang=sub.jenjang,
        ) if e["field"] != "qualification.lsp_code"]
        applicant: list[dict[str, str]] = []
        personal = sub.sections.get("personal") if isinstance(sub.sections.get("personal"), dict) else {}
        assert isinstance(personal, dict)
        birth_date = parse_date(personal.get("birth_date"))
        gender = personal.get("gender")
        if personal.get("nik") not in (None, sub.nik):
            applicant.append({"field": "personal.nik", "message": "differs from the submitted NIK"})
        applicant += nik_errors(sub.nik, birth_date, gender if isinstance(gender, str) else None, field="personal.nik")
        if birth_date is None and personal.get("birth_date") is None:
            applicant.append({"field": "personal.birth_date", "message": "required to check the NIK"})
        if gender not in ("L", "P"):
            applicant.append({"field": "personal.gender", "message": "must be L or P"})
        applicant += date_errors(sub.sections, utcnow().date())
        return qualification, applicant

    async def _submission_errors(self, s: AsyncSession, sub: ApplicationSubmission, stored_lsp_code: str | None,
                                 static: tuple[list[dict[str, str]], list[dict[str, str]]]) -> list[dict[str, str]]:
        qualification, applicant = static
        errors = list(qualification)
        lsp, held = await self._lsp_and_holdings(s, sub.lsp_code, sub.nik, exclude_application=sub.id)
        if lsp is None:
            errors.append({"field": "qualification.lsp_code", "message": f"LSP {sub.lsp_code!r} is not registered"})
        elif not lsp[0]:
            errors.append({"field": "qualification.lsp_code", "message": f"LSP {sub.lsp_code} is not active"})
        elif sub.jabatan_kerja_code not in lsp[1]:
            errors.append({"field": "qualification.lsp_code",
                           "message": f"LSP {sub.lsp_code} is not licensed for jabatan kerja {sub.jabatan_kerja_code}"})
        if stored_lsp_code is not None and stored_lsp_code != sub.lsp_code:
            errors.append({"field": "qualification.lsp_code",
                           "message": f"a resubmission goes to the same LSP ({stored_lsp_code})"})
        errors += applicant
        errors += ownership_limit_errors(
            held, Holding(sub.kualifikasi, sub.klasifikasi_code, sub.subklasifikasi_code))
        return errors

    async def _lsp_and_holdings(self, s: AsyncSession, lsp_code: str, nik: str, *, exclude_application: str
                                ) -> tuple[tuple[bool, list[str]] | None, list[Holding]]:
        """The LSP's licence (active, jabatan kerja codes; None if not registered), and the SKK
        held (recorded, not expired, not revoked) plus the other applications in progress, in
        one round trip and only the columns needed (not the stored submissions)."""
        today = utcnow().date()
        rows = (await s.execute(
            select(literal(_KIND_SKK).label("kind"), SkkHeld.application_id.label("id"),
                   SkkHeld.kualifikasi.label("a"), SkkHeld.klasifikasi_code.label("b"),
                   SkkHeld.subklasifikasi_code.label("c"))
            .where(SkkHeld.nik == nik, SkkHeld.revoked.is_(False), SkkHeld.valid_until >= today)
            .union_all(
                select(literal(_KIND_APP), Application.id, Application.kualifikasi, Application.klasifikasi_code,
                       Application.subklasifikasi_code)
                .where(Application.nik == nik, Application.id != exclude_application,
                       Application.status.in_(IN_PROGRESS_VALUES)),
                select(case((Lsp.active, literal(_KIND_LSP_ACTIVE)), else_=literal(_KIND_LSP_INACTIVE)), Lsp.code,
                       cast_(Lsp.jabatan_kerja_codes, Text), literal(""), literal(""))
                .where(Lsp.code == lsp_code),
            )
        )).all()
        lsp: tuple[bool, list[str]] | None = None
        skk, apps = [], []
        for r in rows:
            if r.kind == _KIND_SKK:
                skk.append(r)
            elif r.kind == _KIND_APP:
                apps.append(r)
            else:
                codes = json.loads(r.a) if r.a else []
                lsp = (r.kind == _KIND_LSP_ACTIVE, list(codes or []))
        recorded_apps = {k.id for k in skk}
        held = [Holding(k.a, k.b, k.c) for k in skk if k.id != exclude_application]
        # An application whose SKK is already in the register counts once, as the SKK.
        held += [Holding(a.a, a.b, a.c) for a in apps if a.id not in recorded_apps]
        return lsp, held

    # --- payment proofs and appeals from the portal --------------------------------------

    async def _locked_application(self, s: AsyncSession, application_id: str) -> Application:
        # Not its stored submission (a few KB of JSON) that no step reads.
        app = await s.get(Application, application_id, with_for_update=True, options=_NO_SUBMISSION)
        if app is None:
            raise not_found(f"application {application_id}")
        return app

    @staticmethod
    def _transition_conflict(app: Application, target: ApplicationStatus) -> Problem:
        allowed = allowed_next(S(app.status))
        return Problem(
            409, f"cannot move application from {app.status!r} to {target.value!r}; "
                 f"allowed next: {', '.join(allowed) or 'none (final state)'}",
            field="status", current_status=app.status, allowed=allowed,
        )

    async def upload_payment_proof(self, application_id: str, proof: PaymentProofSubmission) -> SubmissionAccepted:
        async with self.app_locks.hold(application_id), self.sessions() as s, s.begin():
            app = await self._locked_application(s, application_id)
            if proof.proof_no <= app.last_proof_no:
                return SubmissionAccepted(id=app.id, status=S(app.status), lsp_code=app.lsp_code)
            if not can_transition(S(app.status), S.PAYMENT_UPLOADED):
                raise self._transition_conflict(app, S.PAYMENT_UPLOADED)
            app.last_proof_no = proof.proof_no
            self._append(s, app, S.PAYMENT_UPLOADED, at=proof.uploaded_at, actor="applicant",
                         note=f"proof of payment #{proof.proof_no}")
            data = PaymentProofWebhookData(application_id=app.id, proof_no=proof.proof_no,
                                           document=proof.document, uploaded_at=proof.uploaded_at)
            await self._request_webhook(s, app, "payment.proof_uploaded", data.model_dump(mode="json"),
                                        dedupe_key=f"{app.id}:payment_proof:{proof.proof_no}")
            return SubmissionAccepted(id=app.id, status=S.PAYMENT_UPLOADED, lsp_code=app.lsp_code)

    async def file_appeal(self, application_id: str, appeal: AppealSubmission) -> SubmissionAccepted:
        async with self.app_locks.hold(application_id), self.sessions() as s, s.begin():
            app = await self._locked_application(s, application_id)
            if app.status == S.APPEALED and app.appeal_reason == appeal.reason:
                return SubmissionAccepted(id=app.id, status=S.APPEALED, lsp_code=app.lsp_code)
            if not can_transition(S(app.status), S.APPEALED):
                raise self._transition_conflict(app, S.APPEALED)
            app.appeal_reason = appeal.reason
            entry = self._append(s, app, S.APPEALED, at=appeal.filed_at, actor="applicant", note=appeal.reason)
            data = AppealWebhookData(application_id=app.id, reason=appeal.reason, filed_at=appeal.filed_at)
            await self._request_webhook(s, app, "appeal.filed", data.model_dump(mode="json"),
                                        dedupe_key=f"{app.id}:appeal:{entry.seq}")
            return SubmissionAccepted(id=app.id, status=S.APPEALED, lsp_code=app.lsp_code)

    # --- status reports from the LSP -----------------------------------------------------

    async def report_status(self, lsp_code: str, application_id: str, report: StatusReport) -> dict[str, Any]:
        pdf: bytes | None = None
        if report.certificate_pdf_base64 is not None:
            try:
                pdf = base64.b64decode(report.certificate_pdf_base64, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise validation_problem([{"field": "certificate_pdf_base64", "message": "not base64"}]) from exc
            if not pdf.startswith(b"%PDF-"):
                raise validation_problem([{"field": "certificate_pdf_base64", "message": "not a PDF"}])
        async with self.app_locks.hold(application_id), self.sessions() as s, s.begin():
            # The application (locked, without its stored submission) and an earlier report with
            # this id, in one round trip; Core statements for the writes.
            app = (await s.execute(_REPORT_HEAD, {"application_id": application_id,
                                                  "report_id": report.report_id})).first()
            if app is None:
                done = (await s.execute(_REPORT_DONE, {"report_id": report.report_id})).first()
                if done is not None:
                    raise Problem(409, "report_id was already used for another report", field="report_id")
                raise not_found(f"application {application_id}")
            if app.done_answer is not None:
                if app.done_lsp_code != lsp_code or app.done_application_id != application_id:
                    raise Problem(409, "report_id was already used for another report", field="report_id")
                return dict(app.done_answer)
            if app.lsp_code != lsp_code:
                raise Problem(403, f"application {application_id} is not with LSP {lsp_code}")
            try:
                plan = plan_report(S(app.status), report.status)
            except ReportRefused as exc:
                raise Problem(exc.status_code, exc.message, field="status", current_status=exc.current.value,
                              allowed=exc.allowed) from exc
            now = utcnow()
            changes: dict[str, Any] = {}
            invoice, certificate = app.invoice, app.certificate
            if report.invoice is not None:
                invoice = changes["invoice"] = report.invoice.model_dump(mode="json")
            digest = sha256_hex(pdf) if pdf is not None else None
            if report.certificate is not None:
                certificate = report.certificate.model_dump(mode="json")
                if digest is not None:
                    certificate["pdf_sha256"] = digest
                changes["certificate"] = certificate
            if pdf is not None and digest is not None:
                if (await s.execute(_DOCUMENT_EXISTS, {"sha256": digest})).first() is None:
                    s.add(StoredDocument(sha256=digest, content_type="application/pdf", size=len(pdf),
                                         content=pdf, stored_at=now))
                changes["certificate_pdf_sha256"] = digest
                if certificate is not None and certificate.get("pdf_sha256") != digest:
                    certificate = changes["certificate"] = {**certificate, "pdf_sha256": digest}
            common: dict[str, Any] = {"lsp_code": app.lsp_code, "applicant_user_id": app.applicant_user_id,
                                      "applicant_email": app.applicant_email}
            steps: list[_Step] = []
            seq = app.last_seq or 0
            current = S(app.status)
            if plan.forwarded_first:
                # As before, recorded with the invoice and certificate the application had.
                seq += 1
                steps.append(self._step(app.id, seq, current, S.FORWARDED, at=now, actor="SIKI",
                                        note="delivery proven by the LSP's status report",
                                        invoice=app.invoice, certificate=app.certificate, **common))
                current = S.FORWARDED
            seq += 1
            steps.append(self._step(app.id, seq, current, plan.target, at=report.at, actor=report.actor,
                                    note=report.note, reasons=report.reasons, invoice=invoice,
                                    certificate=certificate, **common))
            await s.execute(update(_APPLICATIONS).where(_APPLICATIONS.c.id == app.id).values(
                status=plan.target.value, last_seq=seq, updated_at=utcnow(), **changes))
            await s.execute(insert(_TIMELINE_TABLE), [step.timeline for step in steps])
            answer = {"application_id": app.id, "status": plan.target.value, "seq": seq,
                      "report_id": report.report_id}
            await s.execute(insert(_REPORTS_TABLE).values(
                report_id=report.report_id, lsp_code=lsp_code, application_id=app.id, answer=answer,
                processed_at=utcnow()))
            for step in steps:
                self.runtime.emit(s, APPLICATION_STATUS_CHANGED, step.payload, application_id=app.id)
            log.info("status reported", application_id=app.id, lsp_code=lsp_code, status=plan.target.value)
            return answer

    # --- reading ------------------------------------------------------------------------------

    async def get_application(self, application_id: str) -> Application:
        async with self.sessions() as s:
            app = await s.get(Application, application_id)
        if app is None:
            raise not_found(f"application {application_id}")
        return app

    async def timeline(self, application_id: str) -> tuple[Row[str, str, str], list[dict[str, Any]]]:
        """The application's id, status and LSP, and its timeline entries (oldest first), both
        from one transaction on a plain connection (no ORM objects for a read)."""
        params = {"application_id": application_id}
        async with self.runtime.engine.connect() as conn:
            app = (await conn.execute(_APP_HEAD, params)).first()
            if app is None:
                raise not_found(f"application {application_id}")
            rows = (await conn.execute(_TIMELINE, params)).all()
        return app, [{"seq": r.seq, "status": r.status, "at": _aware(r.at) or r.at, "actor": r.actor,
                      "note": r.note, "reasons": list(r.reasons or [])} for r in rows]

    async def certificate_pdf(self, application_id: str) -> bytes:
        async with self.reads.connect() as conn:
            row = (await conn.execute(_CERTIFICATE_PDF, {"application_id": application_id})).first()
        if row is None:
            raise not_found(f"application {application_id}")
        if not row.certificate_pdf_sha256 or row.content is None:
            raise not_found(f"e-certificate of application {application_id}")
        return bytes(row.content)

    async def skk_by_nik(self, nik: str) -> dict[str, Any]:
        today = utcnow().date()
        async with self.sessions() as s:
            skk = list((await s.execute(
                select(SkkHeld).where(SkkHeld.nik == nik).order_by(SkkHeld.issued_on)
            )).scalars())
            apps = list((await s.execute(
                select(Application).where(
                    Application.nik == nik, Application.status.in_([st.value for st in IN_PROGRESS_STATES]))
                .order_by(Application.created_at)
            )).scalars())
        return {
            "skk": [_skk_json(k, today) for k in skk],
            "applications_in_progress": [
                {"id": a.id, "status": a.status, "lsp_code": a.lsp_code, "kualifikasi": a.kualifikasi,
                 "klasifikasi_code": a.klasifikasi_code, "subklasifikasi_code": a.subklasifikasi_code,
                 "jabatan_kerja_code": a.jabatan_kerja_code, "jenjang": a.jenjang}
                for a in apps
            ],
        }

    # --- webhook deliveries -----------------------------------------------------------------

    async def list_deliveries(self, *, application_id: str | None = None, lsp_code: str | None = None,
                              status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        async with self.sessions() as s:
            q = select(WebhookDelivery).order_by(WebhookDelivery.created_at.desc()).limit(limit)
            if application_id:
                q = q.where(WebhookDelivery.application_id == application_id)
            if lsp_code:
                q = q.where(WebhookDelivery.lsp_code == lsp_code)
            if status:
                q = q.where(WebhookDelivery.status == status)
            rows = list((await s.execute(q)).scalars())
            ids = [r.id for r in rows]
            attempts = list((await s.execute(
                select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids))
                .order_by(WebhookAttempt.delivery_id, WebhookAttempt.attempt_no)
            )).scalars()) if ids else []
        by_delivery: dict[str, list[WebhookAttempt]] = {}
        for a in attempts:
            by_delivery.setdefault(a.delivery_id, []).append(a)
        return [_delivery_json(r, by_delivery.get(r.id, [])) for r in rows]

    async def redeliver(self, delivery_id: str) -> dict[str, Any]:
        async with self.sessions() as s, s.begin():
            row = await s.get(WebhookDelivery, delivery_id, with_for_update=True)
            if row is None:
                raise not_found(f"webhook delivery {delivery_id}")
            if row.status not in (DELIVERY_DEAD, DELIVERY_FAILED):
                raise Problem(409, f"only a dead or failed delivery can be redelivered; this one is {row.status}",
                              field="status", current_status=row.status)
            row.status = DELIVERY_PENDING
            row.redeliveries += 1
            self.runtime.emit(s, WEBHOOK_REQUESTED, WebhookRequested(delivery_id=row.id).model_dump(mode="json"),
                              application_id=row.application_id)
        log.info("webhook redelivery requested", delivery_id=delivery_id, application_id=row.application_id)
        return _delivery_json(row, [])

    async def deliver_webhook(self, event: EventEnvelope, delivery: Delivery) -> None:
        """One attempt at a delivery; raises so that the bus retries, until the last attempt."""
        delivery_id = WebhookRequested.model_validate(event.payload).delivery_id
        # The delivery and its LSP's webhook credentials in one read (no lock is held while
        # sending; the attempt is recorded under the lock below).
        async with self.reads.connect() as conn:
            row = (await conn.execute(_DELIVERY_TO_SEND, {"delivery_id": delivery_id})).first()
        if row is None or row.webhook_url is None:
            log.warning("webhook delivery unknown; dropped", delivery_id=delivery_id)
            return
        if row.status in (DELIVERY_DELIVERED, DELIVERY_DEAD):
            return  # delivered already (a duplicate event), or parked until an operator redelivers
        headers = signed_headers(row.webhook_secret, row.id, row.body)
        started = time.monotonic()
        status_code: int | None = None
        excerpt: str | None = None
        error: str | None = None
        try:
            resp = await self.http.post(row.webhook_url, content=row.body.encode(), headers=headers)
            status_code, excerpt = resp.status_code, resp.text[:EXCERPT_CHARS]
        except _HTTP_ERRORS as exc:
            error = f"{type(exc).__name__}: {exc}"[:EXCERPT_CHARS]
        elapsed_ms = int((time.monotonic() - started) * 1000)
        ok = status_code is not None and 200 <= status_code < 300
        if not ok and error is None:
            error = f"HTTP {status_code}"
        async with self.app_locks.hold(row.application_id), self.sessions() as s, s.begin():
            # Core statements on the delivery's state (not its body) and, for a submission, on the
            # application's step columns (not its stored submission).
            current = (await s.execute(_DELIVERY_STATE, {"delivery_id": delivery_id})).first()
            assert current is not None
            attempt_no = current.attempt_count + 1
            await s.execute(insert(_ATTEMPTS_TABLE).values(
                delivery_id=current.id, attempt_no=attempt_no, at=utcnow(), status_code=status_code,
                response_excerpt=excerpt, error=None if ok else error, duration_ms=elapsed_ms))
            changes: dict[str, Any] = {"attempt_count": attempt_no}
            forwarded = False
            if ok:
                if current.status != DELIVERY_DELIVERED:
                    changes.update(status=DELIVERY_DELIVERED, delivered_at=utcnow(), last_error=None)
                    forwarded = current.type in SUBMISSION_TYPES
            elif current.status != DELIVERY_DELIVERED:
                changes.update(last_error=error,
                               status=DELIVERY_DEAD if delivery.is_last_attempt else DELIVERY_FAILED)
            await s.execute(update(_DELIVERIES_TABLE).where(_DELIVERIES_TABLE.c.id == current.id).values(**changes))
            if forwarded:
                await self._mark_forwarded(s, current.id, current.application_id, current.dedupe_key)
        if ok:
            log.info("webhook delivered", delivery_id=delivery_id, application_id=row.application_id,
                     lsp_code=row.lsp_code, type=row.type, attempt=delivery.attempt)
            return
        if delivery.is_last_attempt:
            log.warning("webhook dead-lettered", delivery_id=delivery_id, application_id=row.application_id,
                        lsp_code=row.lsp_code, attempts=delivery.attempt, error=error)
            return
        raise WebhookAttemptFailed(f"delivery {delivery_id} to {row.lsp_code} failed: {error}")

    async def _mark_forwarded(self, s: AsyncSession, delivery_id: str, application_id: str, dedupe_key: str) -> None:
        app = (await s.execute(_STEP_HEAD, {"application_id": application_id})).first()
        if app is None or app.status != S.SUBMITTED:
            return
        # Only the delivery of the current submission proves that this submission arrived.
        if dedupe_key != f"{app.id}:submission:{app.submission_no}":
            return
        seq = (app.last_seq or 0) + 1
        step = self._step(app.id, seq, S(app.status), S.FORWARDED, at=utcnow(), actor="SIKI",
                          note=f"delivered to {app.lsp_code} (webhook {delivery_id})", lsp_code=app.lsp_code,
                          applicant_user_id=app.applicant_user_id, applicant_email=app.applicant_email,
                          invoice=app.invoice, certificate=app.certificate)
        await s.execute(update(_APPLICATIONS).where(_APPLICATIONS.c.id == app.id).values(
            status=S.FORWARDED.value, last_seq=seq, updated_at=utcnow()))
        await s.execute(insert(_TIMELINE_TABLE).values(**step.timeline))
        self.runtime.emit(s, APPLICATION_STATUS_CHANGED, step.payload, application_id=app.id)

    # --- events from the chain ----------------------------------------------------------

    async def on_skk_recorded(self, s: AsyncSession, event: EventEnvelope) -> None:
        rec = SkkRecorded.model_validate(event.payload)
        if await s.get(SkkHeld, rec.recording_number) is not None:
            return
        s.add(SkkHeld(
            recording_number=rec.recording_number, nik=rec.nik, skk_number=rec.skk_number,
            registration_number=rec.registration_number, lsp_code=rec.lsp_code,
            application_id=rec.application_id, klasifikasi_code=rec.klasifikasi_code,
            subklasifikasi_code=rec.subklasifikasi_code, kualifikasi=rec.kualifikasi,
            jabatan_kerja_code=rec.jabatan_kerja_code, jenjang=rec.jenjang, issued_on=rec.issued_on,
            valid_until=rec.valid_until, revoked=False, recorded_at=utcnow(),
        ))
        log.info("SKK entered in the register", recording_number=rec.recording_number,
                 application_id=rec.application_id)

    async def on_certificate_downloaded(self, s: AsyncSession, event: EventEnvelope) -> None:
        ev = CertificateDownloaded.model_validate(event.payload)
        app = await s.get(Application, ev.application_id, with_for_update=True, options=_NO_SUBMISSION)
        if app is None:
            log.warning("certificate downloaded for an unknown application", application_id=ev.application_id)
            return
        if app.status != S.CERTIFICATE_ISSUED:
            return  # already completed (a later download), or not issued: nothing to move
        self._append(s, app, S.COMPLETED, at=ev.at, actor="applicant", note="e-certificate downloaded")



def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return (_aware(value) or value).isoformat()
    return value.isoformat()


def _skk_json(k: SkkHeld, today: date) -> dict[str, Any]:
    return {
        "recording_number": k.recording_number, "skk_number": k.skk_number,
        "registration_number": k.registration_number, "lsp_code": k.lsp_code,
        "application_id": k.application_id, "klasifikasi_code": k.klasifikasi_code,
        "subklasifikasi_code": k.subklasifikasi_code, "kualifikasi": k.kualifikasi,
        "jabatan_kerja_code": k.jabatan_kerja_code, "jenjang": k.jenjang,
        "issued_on": _iso(k.issued_on), "valid_until": _iso(k.valid_until), "revoked": k.revoked,
        "valid": not k.revoked and k.valid_until >= today,
    }


def _delivery_json(r: WebhookDelivery, attempts: list[WebhookAttempt]) -> dict[str, Any]:
    return {
        "id": r.id, "application_id": r.application_id, "lsp_code": r.lsp_code, "type": r.type,
        "status": r.status, "attempt_count": r.attempt_count, "redeliveries": r.redeliveries,
        "last_error": r.last_error, "created_at": _iso(r.created_at), "delivered_at": _iso(r.delivered_at),
        "attempts": [
            {"attempt_no": a.attempt_no, "at": _iso(a.at), "status_code": a.status_code,
             "response_excerpt": a.response_excerpt, "error": a.error, "duration_ms": a.duration_ms}
            for a in attempts
        ],
    }
