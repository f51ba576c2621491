"""The applicant's applications before they leave the portal: drafts, the seven sections (each
checked by the section rules: a malformed value is refused, a missing one saved as a draft and
listed), and reading them back."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from services.portal.db.models import Application
from services.portal.db.repositories import (
    add_timeline,
    own_application,
    own_application_view,
    own_applications,
    own_documents_and_timeline,
    sync_section_references,
)
from services.portal.domain.applications import APPLICANT_ACTOR, EDITABLE, require_status
from services.portal.domain.renewal import HeldSkk
from services.portal.domain.sections import (
    APPLICATION_KINDS,
    SECTION_NAMES,
    DocumentInfo,
    ValidationContext,
    check_section,
)
from services.portal.usecases import renewals
from services.portal.usecases.bindings import NikBindings
from services.portal.usecases.common import found, utc
from services.portal.usecases.views import ApplicationOut, ApplicationSummary, application_out, application_view
from shared.bus import utcnow
from shared.contracts.states import ApplicationStatus
from shared.database import autocommit_read, read_session
from shared.exceptions import Invalid
from shared.idempotency_marks import remember, replayed
from shared.reference import get_reference

S = ApplicationStatus


class SectionSaved(ApplicationOut):
    """``put_application_section``: the application, and whether the section just saved is
    complete; ``missing`` names each required field still empty (``experience.items.0.position``)."""

    section: str
    complete: bool
    missing: list[str]


def validation_context(documents: Mapping[str, DocumentInfo], application_kind: str, held: HeldSkk | None = None,
                       pkb_minimums: Mapping[int, int] | None = None) -> ValidationContext:
    """What the section rules are checked against: the reference data, today, the user's documents
    (and, for a renewal or a change, the held SKK and the PKB minimums)."""
    extra: dict[str, Any] = {} if pkb_minimums is None else {"pkb_minimums": pkb_minimums}
    return ValidationContext(ref=get_reference(), today=date.today(), documents=documents,
                             application_kind=application_kind, held=held, **extra)


class Applications:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine, nik: NikBindings,
                 pkb_minimums: Mapping[int, int] | None = None) -> None:
        self.sessions = sessions
        self.engine = engine
        self.nik = nik
        self.pkb_minimums = pkb_minimums

    async def create(self, user_id: str, application_kind: str,
                     previous_skk_number: str | None = None) -> ApplicationOut:
        """A new draft: ``baru`` empty; ``perpanjangan`` / ``perubahan`` of a held SKK
        (``previous_skk_number``, usecases/renewals.py) prefilled from the application that issued it."""
        if application_kind not in APPLICATION_KINDS:
            raise Invalid.field("application_kind", f"one of {', '.join(APPLICATION_KINDS)}")
        if application_kind == "baru" and previous_skk_number:
            raise Invalid.field("previous_skk_number", "hanya untuk permohonan perpanjangan atau perubahan")
        notes = replayed()
        if notes is not None and notes.get("application_id"):
            # This very request (same Idempotency-Key) made the draft in an attempt that died
            # before answering: that draft, not a second one.
            return await self.get(user_id, notes["application_id"])
        now = utcnow()
        app = Application(id=str(uuid.uuid4()), user_id=user_id, application_kind=application_kind,
                          status=S.DRAFT.value, sections={}, submission_no=0, proofs_sent=0, appeals_filed=0,
                          last_seq=0, reasons=[], created_at=now, updated_at=now)
        note = "draf dibuat"
        async with self.sessions() as s, s.begin():
            if application_kind != "baru":
                source, held = await renewals.start(s, user_id, application_kind, previous_skk_number,
                                                    date.today())
                app.previous_skk_number = held.skk_number
                app.previous_application_id = source.id
                app.sections = renewals.prefilled_sections(source.sections, application_kind)
                app.lsp_code = (app.sections.get("qualification") or {}).get("lsp_code")
                note = f"draf {application_kind} SKK {held.skk_number} dibuat"
            s.add(app)
            remember(application_id=app.id)
            await s.flush()
            await sync_section_references(s, app.id, app.sections, have=set())  # a new application
            add_timeline(s, app.id, S.DRAFT.value, now, APPLICANT_ACTOR, note)
            # The timeline read back in the same transaction (it flushes the entry first).
            return await application_view(s, app)

    async def held_certificates(self, user_id: str) -> list[renewals.HeldCertificate]:
        """The SKK the user holds here, each with whether a renewal or a change may start today."""
        async with read_session(self.sessions) as s:
            return await renewals.held_certificates(s, user_id, date.today())

    async def list_own(self, user_id: str, *, limit: int, offset: int) -> tuple[list[ApplicationSummary], int]:
        """``list_applications``: one page, newest first, and how many there are in all."""
        async with read_session(self.sessions) as s:
            rows, total = await own_applications(s, user_id, limit=limit, offset=offset)
        return [ApplicationSummary(id=a.id, application_kind=a.application_kind,
                                   previous_skk_number=a.previous_skk_number, status=a.status,
                                   lsp_code=a.lsp_code, created_at=utc(a.created_at), updated_at=utc(a.updated_at))
                for a in rows], total

    async def get(self, user_id: str, application_id: str) -> ApplicationOut:
        async with autocommit_read(self.engine) as conn:
            row, entries = found(await own_application_view(conn, user_id, application_id))
        return application_out(row, entries)

    async def put_section(self, user_id: str, application_id: str, section: str, payload: Any) -> SectionSaved:
        """Save one section while the application may still be edited: refused (nothing saved) if
        a value is malformed, saved as a draft if required fields are still missing (listed). The
        personal section's NIK, once given, must be free or this account's (``usecases/bindings.py``)."""
        async with self.sessions() as s, s.begin():
            app = found(await own_application(s, user_id, application_id, for_update=True))
            if section not in SECTION_NAMES:
                raise Invalid.field("section", f"unknown section {section!r}; one of {', '.join(SECTION_NAMES)}")
            require_status(app.status, EDITABLE, "change a section")
            docs, referenced, entries = await own_documents_and_timeline(s, user_id, app.id)
            ctx = validation_context(docs, app.application_kind, await renewals.held_of(s, app), self.pkb_minimums)
            checked = check_section(section, payload, ctx)
            if checked.errors:
                raise Invalid.fields(checked.errors)
            normalized = checked.stored
            old_nik = (app.sections.get("personal") or {}).get("nik")
            new_nik = normalized.get("nik") if section == "personal" else None
            if new_nik:
                # Refused (nothing stored) if the NIK is another account's; bound to this one if new.
                await self.nik.claim(s, user_id, new_nik)
            # A new dict, so that the JSON column sees the change.
            app.sections = {**app.sections, section: normalized}
            if section == "personal":
                await self.nik.changed(s, user_id, old_nik, new_nik or "")
            if section == "qualification":
                app.lsp_code = normalized.get("lsp_code")
            app.updated_at = utcnow()
            await sync_section_references(s, app.id, app.sections, have=referenced)
            # Saving a section adds no timeline entry: the one read with the documents is current.
            view = application_out(app, entries)
        return SectionSaved(**view.model_dump(), section=section, complete=checked.complete, missing=checked.missing)
