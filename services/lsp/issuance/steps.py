"""The issuance steps after a Kompeten decision: BNSP numbers, LPJK recording, the signed
e-certificate (SPEC section 1, steps 11-12).

Each run resumes from the ``issuance`` row: a step whose columns are filled is skipped. Every
outside call is idempotent (BNSP per LSP and application, LPJK per SKK number), and each answer
is stored in one transaction with its timeline step (``WorkflowPort.record_step``), so a crash
between an answer and its commit only repeats the call on retry: never a second number or
record. Any failure raises, and the bus retries with backoff.

The steps reach the workflow only through the :class:`WorkflowPort` they are given.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.lsp.issuance import rules
from services.lsp.issuance.gateways import Bnsp, Lpjk
from services.lsp.issuance.models import Issuance
from services.lsp.issuance.settings import IssuanceSettings
from services.lsp.usecases.ports import IssuanceFacts, WorkflowPort
from shared.bus import utcnow
from shared.contracts.issuance import IssuanceRequest, RecordRequest
from shared.contracts.kinds import CHANGE
from shared.contracts.siki import Certificate
from shared.contracts.states import ApplicationStatus
from shared.database import read_session
from shared.dblocks import DbKeyedLock, try_session_lock
from shared.logging import get_logger

if TYPE_CHECKING:
    from services.lsp.issuance.pdf import CertificateData

log = get_logger(__name__)

S = ApplicationStatus
# The states in which issuance has work left; the sweep looks for these.
UNFINISHED = (S.COMPETENT, S.SKK_NUMBERED, S.RECORDED)


@dataclass
class IssuanceSteps:
    lsp_code: str
    sessions: async_sessionmaker[AsyncSession]
    workflow: WorkflowPort
    cfg: IssuanceSettings
    bnsp: Bnsp
    lpjk: Lpjk
    # One run per application at a time, across processes too (the consumer and the resume
    # sweep of every process): the outside calls are idempotent and each answer is stored once
    # under the issuance row's lock anyway, but a second run would only repeat the calls and
    # sign the PDF again.
    _locks: DbKeyedLock = field(default_factory=lambda: DbKeyedLock("lsp:issuance"), init=False, repr=False)

    @property
    def actor(self) -> str:
        return f"{self.lsp_code}/system"

    async def run(self, application_id: str) -> Issuance | None:
        """Take the application's issuance as far as it goes; ``None`` if it has none to do."""
        async with self._locks.across(self.sessions, application_id):
            async with read_session(self.sessions) as s:
                facts = await self.workflow.issuance_facts(s, application_id)
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
        """Run every application whose issuance is unfinished; returns how many completed. One
        process of the LSP resumes at a time (the others skip the pass; a run holds its
        application's lock anyway)."""
        async with try_session_lock(self.sessions, f"lsp:{self.lsp_code}:issuance-resume") as mine:
            return await self._resume_unfinished() if mine else 0

    async def _resume_unfinished(self) -> int:
        async with read_session(self.sessions) as s:
            waiting = await self.workflow.applications_in(s, UNFINISHED)
            started = await s.execute(select(Issuance.application_id).where(Issuance.pdf_sha256.is_(None)))
            ids = sorted(set(waiting) | set(started.scalars()))
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
            async with self.sessions() as s, s.begin():
                started = Issuance(application_id=application_id, requested_at=utcnow())
                s.add(started)
            return started  # nothing else is filled in yet: no need to read it back
        except IntegrityError:
            pass  # a concurrent run started it
        async with read_session(self.sessions) as s:
            row = await s.get(Issuance, application_id)
        assert row is not None
        return row

    async def _number(self, facts: IssuanceFacts, row: Issuance) -> Issuance:
        answer = await self.bnsp.create_issuance(IssuanceRequest(
            lsp_code=self.lsp_code, application_id=facts.application_id, nik=facts.nik,
            full_name=facts.full_name, klasifikasi_code=facts.klasifikasi_code,
            subklasifikasi_code=facts.subklasifikasi_code, kualifikasi=facts.kualifikasi,  # type: ignore[arg-type]
            jabatan_kerja_code=facts.jabatan_kerja_code, jenjang=facts.jenjang, decided_at=facts.decided_at,
            application_kind=facts.application_kind,  # type: ignore[arg-type]
            previous_skk_number=facts.previous_skk_number,
        ))
        if facts.application_kind == CHANGE and answer.skk_number != facts.previous_skk_number:
            # BNSP's to decide; the LSP records what BNSP answered, but someone should look.
            log.warning("BNSP gave a change a new SKK number", application_id=facts.application_id,
                        previous_skk_number=facts.previous_skk_number, skk_number=answer.skk_number)
        issued_on = rules.local_date(answer.issued_at, self.cfg.timezone)
        async with self.sessions() as s, s.begin():
            current = await s.get(Issuance, row.application_id, with_for_update=True)
            assert current is not None
            if current.skk_number is not None:
                return current  # a concurrent run stored the same numbers first
            current.skk_number = answer.skk_number
            current.registration_number = answer.registration_number
            current.issued_on = issued_on
            current.valid_until = rules.certificate_valid_until(
                issued_on, self.cfg.certificate_validity_years, application_kind=facts.application_kind,
                previous_valid_until=facts.previous_valid_until)
            current.numbered_at = utcnow()
            await self.workflow.record_step(
                s, facts.application_id, S.SKK_NUMBERED, actor=self.actor,
                note=f"Nomor SKK {answer.skk_number}; nomor registrasi BNSP {answer.registration_number}",
                extra={"skk_number": answer.skk_number, "registration_number": answer.registration_number},
            )
        log.info("SKK numbered", application_id=facts.application_id, skk_number=answer.skk_number)
        return current

    async def _record(self, facts: IssuanceFacts, row: Issuance) -> Issuance:
        assert row.skk_number and row.registration_number and row.issued_on and row.valid_until
        answer = await self.lpjk.create_record(RecordRequest(
            lsp_code=self.lsp_code, application_id=facts.application_id, skk_number=row.skk_number,
            registration_number=row.registration_number, nik=facts.nik, full_name=facts.full_name,
            klasifikasi_code=facts.klasifikasi_code, subklasifikasi_code=facts.subklasifikasi_code,
            kualifikasi=facts.kualifikasi,  # type: ignore[arg-type]
            jabatan_kerja_code=facts.jabatan_kerja_code, jenjang=facts.jenjang, issued_on=row.issued_on,
            valid_until=row.valid_until,
            # A renewal or a change: LPJK marks the held certificate superseded by this one.
            replaces=facts.replaces if facts.application_kind != "baru" else None,
        ))
        async with self.sessions() as s, s.begin():
            current = await s.get(Issuance, row.application_id, with_for_update=True)
            assert current is not None
            if current.recording_number is not None:
                return current
            current.recording_number = answer.recording_number
            current.qr_payload = answer.qr_payload
            current.verification_url = answer.verification_url
            current.recorded_at = utcnow()
            await self.workflow.record_step(
                s, facts.application_id, S.RECORDED, actor=self.actor,
                note=f"Dicatat LPJK dengan nomor {answer.recording_number}",
                certificate=certificate_of(current),
            )
        log.info("SKK recorded", application_id=facts.application_id, recording_number=answer.recording_number)
        return current

    async def _certificate(self, facts: IssuanceFacts, row: Issuance) -> Issuance:
        # The PDF stack (the layout, its XMP and XML, pyhanko, cryptography's x509) is imported on
        # the first certificate, not at start-up (issue 17: idle RSS).
        from services.lsp.issuance.pdf import render_certificate
        from services.lsp.issuance.signing import identity_for, sign_pdf_blocking

        data = certificate_data(facts, row)
        identity = identity_for(self.cfg, self.lsp_code, facts.lsp_name)

        def render_and_sign() -> bytes:  # one trip to a worker thread for the CPU-bound part
            return sign_pdf_blocking(render_certificate(data), identity, lsp_name=facts.lsp_name)

        signed = await asyncio.to_thread(render_and_sign)
        digest = hashlib.sha256(signed).hexdigest()
        async with self.sessions() as s, s.begin():
            current = await s.get(Issuance, row.application_id, with_for_update=True)
            assert current is not None
            if current.pdf is not None:
                return current
            current.pdf = signed
            current.pdf_sha256 = digest
            current.certificate_issued_at = utcnow()
            await self.workflow.record_step(
                s, facts.application_id, S.CERTIFICATE_ISSUED, actor=self.actor,
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


def certificate_data(facts: IssuanceFacts, row: Issuance) -> CertificateData:
    from services.lsp.issuance.pdf import CertificateData

    assert row.skk_number and row.registration_number and row.recording_number and row.verification_url
    assert row.issued_on and row.valid_until
    return CertificateData(
        full_name=facts.full_name, nik=facts.nik, klasifikasi_code=facts.klasifikasi_code,
        subklasifikasi_code=facts.subklasifikasi_code, jabatan_kerja_code=facts.jabatan_kerja_code,
        kualifikasi=facts.kualifikasi, jenjang=facts.jenjang, lsp_code=facts.lsp_code, lsp_name=facts.lsp_name,
        skk_number=row.skk_number, registration_number=row.registration_number,
        recording_number=row.recording_number, issued_on=row.issued_on, valid_until=row.valid_until,
        verification_url=row.verification_url, keterangan=rules.keterangan(
            facts.application_kind, previous_skk_number=facts.previous_skk_number, replaces=facts.replaces),
    )
