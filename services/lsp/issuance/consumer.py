"""The issuance steps after a Kompeten decision: BNSP numbers, LPJK recording, the signed
e-certificate (SPEC section 1, steps 11-12).

Driven by the LSP's own event ``lsp.<code>.issuance_requested`` (``{"application_id"}``) and,
as a safety net, by a periodic sweep over applications whose issuance is unfinished. Each run
resumes from the ``issuance`` row: a step whose columns are filled is skipped. Every outside
call is idempotent (BNSP per LSP and application, LPJK per SKK number), and each answer is
stored in one transaction with its timeline step (``workflow.record_step``), so a crash between
an answer and its commit only repeats the call on retry: never a second number or record.
Any failure raises, and the bus retries with backoff.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.lsp import workflow
from services.lsp.db.models import Application
from services.lsp.issuance import rules
from services.lsp.issuance.models import Issuance
from services.lsp.issuance.pdf import CertificateData, render_certificate
from services.lsp.issuance.settings import IssuanceSettings, issuance_settings
from services.lsp.settings import LspSettings
from shared.bus import Delivery, EventEnvelope, utcnow
from shared.bus.keyed_lock import KeyedLock
from shared.contracts.events import lsp_event
from shared.contracts.issuance import IssuanceRequest, IssuanceResponse, RecordRequest, RecordResponse
from shared.contracts.siki import Certificate
from shared.contracts.states import ApplicationStatus
from shared.logging import get_logger
from shared.runtime import ServiceRuntime
from shared.service_client import ServiceClient

log = get_logger(__name__)

S = ApplicationStatus
ISSUANCE_REQUESTED = "issuance_requested"
# The states in which issuance has work left; the sweep looks for these.
UNFINISHED = (S.COMPETENT, S.SKK_NUMBERED, S.RECORDED)


@dataclass
class IssuanceSteps:
    runtime: ServiceRuntime
    settings: LspSettings
    cfg: IssuanceSettings
    bnsp: ServiceClient
    lpjk: ServiceClient

    def __post_init__(self) -> None:
        self._locks = KeyedLock()

    @property
    def actor(self) -> str:
        return f"{self.settings.lsp_code}/system"

    async def handle(self, event: EventEnvelope, delivery: Delivery) -> None:
        application_id = str(event.payload["application_id"])
        try:
            await self.run(application_id)
        except Exception as exc:
            log.warning("issuance step failed; the bus will retry", application_id=application_id,
                        attempt=delivery.attempt, max_attempts=delivery.max_attempts, error=repr(exc)[:500])
            raise

    async def run(self, application_id: str) -> Issuance | None:
        """Take the application's issuance as far as it goes; ``None`` if it has none to do."""
        async with self._locks.hold(application_id):
            async with self.runtime.sessions() as s:
                facts = await workflow.issuance_facts(s, application_id)
                row = await s.get(Issuance, application_id)
            if facts.status not in UNFINISHED:
                if row is None or row.pdf is None:
                    log.info("no issuance to do", application_id=application_id, status=facts.status.value)
                return row
            if row is None:
                row = await self._start(application_id)
            if row.skk_number is None:
                row = await self._number(facts, row)
            if row.recording_number is None:
                row = await self._record(facts, row)
            if row.pdf is None:
                row = await self._certificate(facts, row)
            return row

    async def resume_unfinished(self) -> int:
        """Run every application whose issuance is unfinished; returns how many completed."""
        async with self.runtime.sessions() as s:
            waiting = await s.execute(
                select(Application.id).where(Application.status.in_([st.value for st in UNFINISHED]))
            )
            started = await s.execute(select(Issuance.application_id).where(Issuance.pdf_sha256.is_(None)))
            ids = sorted(set(waiting.scalars()) | set(started.scalars()))
        done = 0
        for application_id in ids:
            try:
                row = await self.run(application_id)
                done += int(row is not None and row.pdf is not None)
            except Exception as exc:
                log.warning("resuming issuance failed; will try again", application_id=application_id,
                            error=repr(exc)[:500])
        return done

    async def resume_loop(self) -> None:
        while True:
            await self.resume_unfinished()
            await asyncio.sleep(self.cfg.issuance_resume_interval_seconds)

    # --- the steps -----------------------------------------------------------------------

    async def _start(self, application_id: str) -> Issuance:
        try:
            async with self.runtime.sessions() as s, s.begin():
                started = Issuance(application_id=application_id, requested_at=utcnow())
                s.add(started)
            return started  # nothing else is filled in yet: no need to read it back
        except IntegrityError:
            pass  # a concurrent run started it
        async with self.runtime.sessions() as s:
            row = await s.get(Issuance, application_id)
        assert row is not None
        return row

    async def _number(self, facts: workflow.IssuanceFacts, row: Issuance) -> Issuance:
        plan = IssuanceRequest(
            lsp_code=self.settings.lsp_code, application_id=facts.application_id, nik=facts.nik,
            full_name=facts.full_name, klasifikasi_code=facts.klasifikasi_code,
            subklasifikasi_code=facts.subklasifikasi_code, kualifikasi=facts.kualifikasi,  # type: ignore[arg-type]
            jabatan_kerja_code=facts.jabatan_kerja_code, jenjang=facts.jenjang, decided_at=facts.decided_at,
        )
        answer = IssuanceResponse.model_validate(await self.bnsp.call_json(
            "POST", "/api/v1/issuances", json=plan.model_dump(mode="json"),
            idempotency_key=f"{self.settings.lsp_code}:{facts.application_id}",
        ))
        issued_on = rules.local_date(answer.issued_at, self.cfg.timezone)
        async with self.runtime.sessions() as s, s.begin():
            current = await s.get(Issuance, row.application_id, with_for_update=True)
            assert current is not None
            if current.skk_number is not None:
                return current  # a concurrent run stored the same numbers first
            current.skk_number = answer.skk_number
            current.registration_number = answer.registration_number
            current.issued_on = issued_on
            current.valid_until = rules.valid_until(issued_on, self.cfg.certificate_validity_years)
            current.numbered_at = utcnow()
            await workflow.record_step(
                s, self.runtime, facts.application_id, S.SKK_NUMBERED, actor=self.actor,
                note=f"Nomor SKK {answer.skk_number}; nomor registrasi BNSP {answer.registration_number}",
                extra={"skk_number": answer.skk_number, "registration_number": answer.registration_number},
            )
        log.info("SKK numbered", application_id=facts.application_id, skk_number=answer.skk_number)
        return current

    async def _record(self, facts: workflow.IssuanceFacts, row: Issuance) -> Issuance:
        assert row.skk_number and row.registration_number and row.issued_on and row.valid_until
        request = RecordRequest(
            lsp_code=self.settings.lsp_code, application_id=facts.application_id, skk_number=row.skk_number,
            registration_number=row.registration_number, nik=facts.nik, full_name=facts.full_name,
            klasifikasi_code=facts.klasifikasi_code, subklasifikasi_code=facts.subklasifikasi_code,
            kualifikasi=facts.kualifikasi,  # type: ignore[arg-type]
            jabatan_kerja_code=facts.jabatan_kerja_code, jenjang=facts.jenjang, issued_on=row.issued_on,
            valid_until=row.valid_until,
        )
        answer = RecordResponse.model_validate(await self.lpjk.call_json(
            "POST", "/api/v1/records", json=request.model_dump(mode="json"), idempotency_key=row.skk_number,
        ))
        async with self.runtime.sessions() as s, s.begin():
            current = await s.get(Issuance, row.application_id, with_for_update=True)
            assert current is not None
            if current.recording_number is not None:
                return current
            current.recording_number = answer.recording_number
            current.qr_payload = answer.qr_payload
            current.verification_url = answer.verification_url
            current.recorded_at = utcnow()
            await workflow.record_step(
                s, self.runtime, facts.application_id, S.RECORDED, actor=self.actor,
                note=f"Dicatat LPJK dengan nomor {answer.recording_number}",
                certificate=certificate_of(current),
            )
        log.info("SKK recorded", application_id=facts.application_id, recording_number=answer.recording_number)
        return current

    async def _certificate(self, facts: workflow.IssuanceFacts, row: Issuance) -> Issuance:
        # pyhanko and cryptography's x509 are imported on the first certificate, not at start-up.
        from services.lsp.issuance.signing import identity_for, sign_pdf_blocking

        data = certificate_data(facts, row)
        identity = identity_for(self.cfg, self.settings.lsp_code, facts.lsp_name)

        def render_and_sign() -> bytes:  # one trip to a worker thread for the CPU-bound part
            return sign_pdf_blocking(render_certificate(data), identity, lsp_name=facts.lsp_name)

        signed = await asyncio.to_thread(render_and_sign)
        digest = hashlib.sha256(signed).hexdigest()
        async with self.runtime.sessions() as s, s.begin():
            current = await s.get(Issuance, row.application_id, with_for_update=True)
            assert current is not None
            if current.pdf is not None:
                return current
            current.pdf = signed
            current.pdf_sha256 = digest
            current.certificate_issued_at = utcnow()
            await workflow.record_step(
                s, self.runtime, facts.application_id, S.CERTIFICATE_ISSUED, actor=self.actor,
                note="e-Sertifikat diterbitkan dan ditandatangani secara elektronik",
                certificate=certificate_of(current),
                certificate_pdf_base64=base64.b64encode(signed).decode(),
            )
        log.info("e-certificate issued", application_id=facts.application_id, pdf_sha256=digest)
        return current


def certificate_of(row: Issuance) -> Certificate:
    assert row.skk_number and row.registration_number and row.recording_number and row.qr_payload
    assert row.issued_on and row.valid_until
    return Certificate(
        skk_number=row.skk_number, registration_number=row.registration_number,
        recording_number=row.recording_number, issued_on=row.issued_on, valid_until=row.valid_until,
        qr_payload=row.qr_payload, verification_url=row.verification_url, pdf_sha256=row.pdf_sha256,
    )


def certificate_data(facts: workflow.IssuanceFacts, row: Issuance) -> CertificateData:
    assert row.skk_number and row.registration_number and row.recording_number and row.verification_url
    assert row.issued_on and row.valid_until
    return CertificateData(
        full_name=facts.full_name, nik=facts.nik, klasifikasi_code=facts.klasifikasi_code,
        subklasifikasi_code=facts.subklasifikasi_code, jabatan_kerja_code=facts.jabatan_kerja_code,
        kualifikasi=facts.kualifikasi, jenjang=facts.jenjang, lsp_code=facts.lsp_code, lsp_name=facts.lsp_name,
        skk_number=row.skk_number, registration_number=row.registration_number,
        recording_number=row.recording_number, issued_on=row.issued_on, valid_until=row.valid_until,
        verification_url=row.verification_url,
    )


def register_issuance(
    runtime: ServiceRuntime,
    settings: LspSettings,
    *,
    bnsp_transport: httpx.AsyncBaseTransport | None = None,
    lpjk_transport: httpx.AsyncBaseTransport | None = None,
    **overrides: Any,
) -> IssuanceSteps:
    """Subscribe the issuance consumer on the LSP's own queue and start the resume sweep.

    The transports and ``overrides`` (of :class:`IssuanceSettings`) are for tests.
    """
    cfg = issuance_settings(settings, **overrides)
    steps = IssuanceSteps(
        runtime=runtime, settings=settings, cfg=cfg,
        bnsp=runtime.client(settings.bnsp_url, audience="bnsp", name="bnsp", transport=bnsp_transport),
        lpjk=runtime.client(settings.lpjk_url, audience="lpjk", name="lpjk", transport=lpjk_transport),
    )

    async def _inbox_unused(*_: Any) -> None:  # the raw handler is idempotent by itself
        return None

    runtime.consume(settings.bus_queue, [lsp_event(settings.lsp_code, ISSUANCE_REQUESTED)], _inbox_unused,
                    raw=steps.handle)
    if cfg.issuance_resume_interval_seconds > 0:
        runtime.background(steps.resume_loop)
    return steps
