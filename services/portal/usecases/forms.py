"""``download_application_form``: the applicant's FR.APL.01 / FR.APL.02 as the LSP last sent them
through SIKI. SIKI is asked first (APL-01 is replaced by its signed version once verified); the
copy kept from the last fetch answers while SIKI is unreachable."""

from __future__ import annotations

from typing import Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.portal.db.models import Application, ApplicationFormCopy
from services.portal.db.repositories import own_application_fields
from services.portal.domain.documents import sha256_hex, sniff_content_type
from services.portal.gateways.siki import SikiGateway
from services.portal.storage import DocumentStore
from services.portal.usecases.common import found
from services.portal.usecases.views import StoredFile
from shared.bus import utcnow
from shared.database import read_session
from shared.exceptions import NotFound, Unavailable, UpstreamRefused
from shared.logging import get_logger

log = get_logger(__name__)

Form = Literal["apl01", "apl02"]
PDF = "application/pdf"
FORM_NAMES = {"apl01": "FR.APL.01", "apl02": "FR.APL.02"}


class FormNotAvailable(NotFound):
    def __init__(self, form: Form) -> None:
        name = FORM_NAMES[form]
        super().__init__(f"{name} belum tersedia: LSP belum mengirimkannya ({name} is not available yet)",
                         errors=[{"field": "form", "message": f"{name} belum tersedia (not available yet)"}])


class ApplicationForms:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], store: DocumentStore, siki: SikiGateway) -> None:
        self.sessions = sessions
        self.store = store
        self.siki = siki

    async def download(self, user_id: str, application_id: str, form: Form) -> StoredFile:
        async with read_session(self.sessions) as s:
            found(await own_application_fields(s, user_id, application_id, Application.id))
            copy = await s.get(ApplicationFormCopy, (application_id, form))
            cached = copy.sha256 if copy is not None else None
        try:
            data = await self.siki.application_form(application_id, form)
        except Unavailable:
            if cached is not None and self.store.exists(cached):
                log.info("SIKI unreachable: the kept copy of the form served", application_id=application_id,
                         form=form)
                return StoredFile(data=await self.store.get(cached), content_type=PDF, sha256=cached)
            raise
        if data is None:
            raise FormNotAvailable(form)
        if sniff_content_type(data) != PDF:
            raise UpstreamRefused("SIKI answered something that is not a PDF form")
        digest = sha256_hex(data)
        if digest != cached:
            await self.store.put(digest, data)
            try:
                async with self.sessions() as s, s.begin():
                    row = await s.get(ApplicationFormCopy, (application_id, form))
                    if row is None:
                        s.add(ApplicationFormCopy(application_id=application_id, form=form, sha256=digest,
                                                  fetched_at=utcnow()))
                    else:
                        row.sha256, row.fetched_at = digest, utcnow()
            except IntegrityError:
                pass  # a concurrent download kept its copy first: either is the latest
        return StoredFile(data=data, content_type=PDF, sha256=digest)
