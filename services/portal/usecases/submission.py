"""Submitting an application to SIKI, and resubmitting it after the LSP returned it.

Read and checked as a whole in one session, sent to SIKI outside any transaction (with the
submission number as idempotency key), and recorded only once SIKI took it.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.portal.db.models import Application
from services.portal.db.repositories import add_timeline, document_infos, own_application, own_documents, user_by_id
from services.portal.domain.applications import (
    APPLICANT_ACTOR,
    SUBMITTABLE,
    build_submission,
    require_status,
)
from services.portal.domain.sections import validate_application
from services.portal.gateways.siki import SikiGateway
from services.portal.usecases import in_flight, renewals
from services.portal.usecases.applications import validation_context
from services.portal.usecases.bindings import NikBindings
from services.portal.usecases.common import UnknownUser, found, utc
from services.portal.usecases.views import ApplicationOut, application_view, own_view
from shared.bus import utcnow
from shared.contracts.siki import ApplicationSubmission
from shared.contracts.states import ApplicationStatus
from shared.database import read_session
from shared.exceptions import Invalid
from shared.idempotency_marks import remember, replayed

S = ApplicationStatus


class Submission:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], siki: SikiGateway, public_url: str,
                 nik: NikBindings, *, pkb_minimums: Mapping[int, int] | None = None) -> None:
        self.sessions = sessions
        self.siki = siki
        self.public_url = public_url
        self.nik = nik
        self.pkb_minimums = pkb_minimums

    async def submit(self, user_id: str, application_id: str) -> ApplicationOut:
        """``submit_application``: the first submission, or the next one after ``returned``. The same
        application again while its submission is in flight sends that one again (usecases/in_flight.py)."""
        notes = replayed()
        if notes is not None and notes.get("submitted_no"):
            # This very request (same Idempotency-Key) recorded SIKI's acceptance in an attempt that
            # died before answering: the application as it is now. Checked first: its status has
            # moved past "submittable", so the checks below would refuse a step that did happen.
            return await own_view(self.sessions, user_id, application_id)
        async with read_session(self.sessions) as s:
            app = found(await own_application(s, user_id, application_id))
            request = in_flight.fingerprint(app.submission_no, app.sections)
            again = in_flight.resendable(app, "submit", request,
                                         allowed_now=app.status in {x.value for x in SUBMITTABLE})
            if again is not None:
                submission = ApplicationSubmission.model_validate(again["command"])
            else:
                submission = await self._build(s, app, user_id)
        if again is None:
            # The command kept before it is sent, and the NIK bound to this account (if it was saved
            # before bindings existed): one transaction, the application locked first, as a section's
            # save locks it before the binding. A NIK another account holds refuses both.
            async with self.sessions() as s, s.begin():
                await in_flight.keep(s, user_id, application_id, action="submit", no=submission.submission_no,
                                     request=request, command=submission.model_dump(mode="json"))
                await self.nik.claim(s, user_id, submission.nik)
        await in_flight.send(self.sessions, user_id, application_id,
                             lambda: self.siki.submit_application(submission))
        submission_no = submission.submission_no
        async with self.sessions() as s, s.begin():
            await self.nik.fix(s, user_id, submission.nik)
            app = found(await own_application(s, user_id, application_id, for_update=True))
            in_flight.settle(app, "submit", submission_no)
            remember(submitted_no=submission_no)  # committed with the acceptance it records
            # SIKI took this submission number: counted even if SIKI's own status events got here
            # first (then they already moved the status), so a resubmission never reuses the key.
            if app.submission_no < submission_no:
                app.submission_no = submission_no
                app.lsp_code = submission.lsp_code
                if app.status in {x.value for x in SUBMITTABLE}:
                    now = utcnow()
                    app.status = S.SUBMITTED.value
                    app.reasons = []
                    app.updated_at = now
                    note = ("dikirim ke SIKI" if submission_no == 1
                            else f"dikirim ulang ke SIKI (pengiriman ke-{submission_no})")
                    add_timeline(s, app.id, S.SUBMITTED.value, now, APPLICANT_ACTOR, note)
            await s.flush()
            return await application_view(s, app)

    async def _build(self, s: AsyncSession, app: Application, user_id: str) -> ApplicationSubmission:
        require_status(app.status, SUBMITTABLE, "submit")
        user = await user_by_id(s, user_id)
        if user is None or user.verified_at is None:
            raise UnknownUser()
        docs = await own_documents(s, user.id)
        held = await renewals.held_of(s, app)
        if app.application_kind != "baru" and held is None:
            raise Invalid.field("previous_skk_number", "SKK yang diajukan tidak lagi ditemukan di portal ini.")
        ctx = validation_context(document_infos(docs), app.application_kind, held, self.pkb_minimums)
        errors = validate_application(app.sections, ctx)
        if errors:
            fields = ", ".join(e["field"] for e in errors)
            raise Invalid.fields(errors, "the application is not complete: " + fields)
        return build_submission(
            application_id=app.id,
            submission_no=in_flight.next_number(app.in_flight, "submit", app.submission_no),
            application_kind=app.application_kind, previous_skk_number=app.previous_skk_number, held=held,
            user_id=user.id, email=user.email, full_name=f"{user.first_name} {user.last_name}",
            sections=app.sections,
            documents={i: {"sha256": d.sha256, "content_type": d.content_type, "size": d.size,
                           "uploaded_at": utc(d.created_at)}
                       for i, d in docs.items()},
            public_url=self.public_url, now=utcnow(),
        )
