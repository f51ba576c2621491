"""Downloading the e-certificate: fetched from SIKI once and kept, and the first download
completes the application and tells SIKI (``CertificateDownloaded``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.portal.db.models import Application
from services.portal.db.repositories import (
    add_timeline,
    complete_on_download,
    own_application_fields,
    record_certificate_digest,
)
from services.portal.domain.applications import APPLICANT_ACTOR, DOWNLOADABLE, require_status
from services.portal.domain.documents import sha256_hex, sniff_content_type
from services.portal.gateways.siki import SikiGateway
from services.portal.storage import DocumentStore
from services.portal.usecases.common import Emit, found
from services.portal.usecases.views import StoredFile
from shared.bus import utcnow
from shared.contracts.events import CertificateDownloaded
from shared.contracts.states import ApplicationStatus
from shared.database import read_session
from shared.exceptions import NotFound, UpstreamRefused

PDF = "application/pdf"


class Certificates:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], store: DocumentStore, siki: SikiGateway,
                 emit: Emit) -> None:
        self.sessions = sessions
        self.store = store
        self.siki = siki
        self.emit = emit

    async def _pdf(self, application_id: str, digest: str | None) -> tuple[bytes, str]:
        """The certificate's bytes and SHA-256: from the store, or fetched from SIKI and stored."""
        if digest is not None and self.store.exists(digest):
            return await self.store.get(digest), digest
        data = await self.siki.certificate_pdf(application_id)
        if data is None:
            raise NotFound("the certificate is not available yet",
                           errors=[{"field": "certificate", "message": "not available yet"}])
        if sniff_content_type(data) != PDF:
            raise UpstreamRefused("SIKI answered something that is not a PDF certificate")
        digest = sha256_hex(data)
        await self.store.put(digest, data)
        return data, digest

    async def download(self, user_id: str, application_id: str) -> StoredFile:
        """``download_certificate``; the first download moves ``certificate_issued`` to ``completed``."""
        async with read_session(self.sessions) as s:
            app = found(await own_application_fields(s, user_id, application_id,
                                                     Application.status, Application.certificate_sha256))
            require_status(app.status, DOWNLOADABLE, "download the certificate")
        data, digest = await self._pdf(application_id, app.certificate_sha256)
        now = utcnow()
        async with self.sessions() as s, s.begin():
            await record_certificate_digest(s, user_id, application_id, digest)
            # Conditional, so that only the first download completes the process and tells SIKI.
            if await complete_on_download(s, user_id, application_id, now):
                add_timeline(s, application_id, ApplicationStatus.COMPLETED.value, now, APPLICANT_ACTOR,
                             "sertifikat diunduh")
                self.emit(s, CertificateDownloaded(application_id=application_id, user_id=user_id, at=now))
        return StoredFile(data=data, content_type=PDF, sha256=digest)
