"""SIKI's timeline mirrored into the portal: each ``StatusChanged`` moves the application's
status, timeline, invoice, certificate and reasons, notifies the applicant and emails them
(``mail_templates.status_email``, one email per step, in the same transaction).

Only a newer step (SIKI's ``seq``) moves the status, so reordering cannot take an application
back; an older step that arrives late (after a newer one) still gets its timeline entry,
notification and email, shown in ``seq`` order (``domain.applications.in_timeline_order``), so
the applicant's timeline never misses a step. The inbox makes each event take effect once; a
step whose ``seq`` is already on the timeline is not written twice."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Row, Text, bindparam, cast, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.portal.db.models import Application, OutboxEvent, TimelineEntry, User
from services.portal.db.status_steps import write_status_step, write_status_step_alone
from services.portal.domain.applications import (
    SELF_RECORDED,
    late_step,
    should_apply,
    status_message,
    timeline_note,
)
from services.portal.domain.certificate_status import keep_status
from services.portal.mail_templates import STATUS_TEMPLATES, status_email
from services.portal.usecases.common import Emit, request_email
from shared.bus import utcnow
from shared.contracts.events import StatusChanged
from shared.contracts.states import ApplicationStatus
from shared.database import alone_session, engine_of
from shared.direct_sql import first_row_in
from shared.inbox import Claim, read_claiming
from shared.logging import get_logger
from shared.staged_rows import take_staged

log = get_logger(__name__)

# What the mirror needs of the application, locked, and what its step's email needs of its
# applicant: one round trip, and only these columns (Core rows, no ORM object): the encrypted
# sections and command in flight are neither read nor decrypted for a status step.
_APPLICATION_AND_APPLICANT = (
    select(Application.id, Application.user_id, Application.last_seq, Application.certificate,
           User.first_name, User.email)
    .select_from(Application)
    .outerjoin(User, User.id == Application.user_id)
    .where(Application.id == bindparam("application_id"))
    .with_for_update(of=Application)
)


# The first try's read (StatusMirror.apply_alone): the same, not locked, the certificate as the
# JSON text the guard of its statement compares (db/status_steps.py).
_SEEN = (
    select(Application.id, Application.user_id, Application.last_seq,
           cast(Application.certificate, Text).label("certificate"), User.first_name, User.email)
    .select_from(Application)
    .outerjoin(User, User.id == Application.user_id)
    .where(Application.id == bindparam("application_id"))
)


# A step the portal records itself may be waiting for SIKI's confirmation: its last timeline
# entry, read in a statement of its own *after* the application's lock is granted. Read with the
# lock (a subquery of that statement) it would come from the snapshot taken before the wait,
# missing the entry of the transaction that held the lock (the portal's own 'submitted', say).
_LAST_ENTRY = (
    select(TimelineEntry.id, TimelineEntry.seq, TimelineEntry.status, TimelineEntry.note)
    .where(TimelineEntry.application_id == bindparam("application_id"))
    .order_by(TimelineEntry.id.desc()).limit(1)
)


class StatusMirror:
    def __init__(self, emit: Emit, public_url: str) -> None:
        self.emit = emit
        self.public_url = public_url

    async def apply(self, session: AsyncSession, ev: StatusChanged) -> bool:
        """Mirror one SIKI timeline step; False when the application is unknown here or the step
        is already on its timeline."""
        self_recorded = ev.status in SELF_RECORDED
        app = await read_claiming(session, _APPLICATION_AND_APPLICANT, {"application_id": ev.application_id})
        if app is None:
            # Not an application of this portal (e.g. created through another front end): nothing to mirror.
            log.warning("status event for an unknown application", application_id=ev.application_id)
            return False
        note = timeline_note(ev.status, ev.note, list(ev.reasons), ev.assessment)
        advanced: dict[str, Any] | None = None
        confirmed: dict[str, Any] | None = None
        pending: Row[int, str | None] | None = None
        if should_apply(app.last_seq, ev.seq):
            advanced = self._advance(app.certificate, ev)
            # Only a step the portal records itself can be waiting for SIKI's confirmation: for the
            # others there is nothing to look up.
            last = (await session.execute(_LAST_ENTRY, {"application_id": app.id})).first() if self_recorded else None
            if last is not None and last.seq is None and last.status == ev.status.value:
                # The portal recorded this step itself when SIKI accepted the command: SIKI's
                # event confirms it rather than adding it twice.
                confirmed = {"id": last.id, "seq": ev.seq, "at": ev.at, "actor": ev.actor, "note": note or last.note}
        elif late_step(app.last_seq, ev.seq) and not await _has_step(session, app.id, ev.seq):
            # An older step after a newer one (a retry overtaken, a replayed event): recorded
            # in its place, the status stays as the newer step left it.
            log.info("late status step recorded", application_id=app.id, seq=ev.seq, last_seq=app.last_seq,
                     status=ev.status.value)
            pending = await _unconfirmed(session, app.id, ev.status.value) if self_recorded else None
            if pending is not None:  # as above, for the oldest entry SIKI has not confirmed yet
                confirmed = {"id": pending.id, "seq": ev.seq, "at": ev.at, "actor": ev.actor,
                             "note": note or pending.note}
        else:
            return False
        entry = None if confirmed is not None else _entry(ev, note)
        if app.email is not None:
            self._email(session, app.id, ev, first_name=app.first_name, email=app.email)
        # The application's row, the timeline entry, the notification and the email's event: one
        # round trip on PostgreSQL.
        await write_status_step(
            session, app.id, app.user_id, advanced=advanced, entry=entry, confirmed=confirmed, status=ev.status.value,
            message=_message(ev), at=utcnow(), also=take_staged(session, OutboxEvent))
        return True

    async def apply_alone(self, sessions: async_sessionmaker[AsyncSession], ev: StatusChanged,
                          claim: Claim) -> bool | None:
        """The first try (shared/inbox.py) of a newer step the portal does not record itself, on
        PostgreSQL, about 10 of an application's 14 steps: the application read without a lock,
        then the step, its email and the inbox's claim in one statement that writes only while
        the row is as read. Two round trips where BEGIN, the locked read, the writes and COMMIT
        were four. True done; False processed already; None not taken (another database, a step
        the portal may have recorded itself, an older step, an unknown application, or the row
        moved meanwhile): :meth:`apply` in the inbox's transaction decides."""
        if ev.status in SELF_RECORDED or engine_of(sessions).dialect.name != "postgresql":
            return None
        async with alone_session(sessions) as session:
            # One connection for the read and the write, both sent on the driver's connection
            # directly (shared/direct_sql.py).
            app = await first_row_in(session, _SEEN, {"application_id": ev.application_id})
            if app is None or not should_apply(app.last_seq, ev.seq):
                return None
            certificate = None if app.certificate is None else json.loads(app.certificate)
            if app.email is not None:
                self._email(session, app.id, ev, first_name=app.first_name, email=app.email)
            done = await write_status_step_alone(
                session, app.id, app.user_id, seen_last_seq=app.last_seq, seen_certificate=app.certificate,
                claim=claim, advanced=self._advance(certificate, ev),
                entry=_entry(ev, timeline_note(ev.status, ev.note, list(ev.reasons), ev.assessment)),
                status=ev.status.value, message=_message(ev), at=utcnow())
            if done:
                await session.commit()  # sends nothing (AUTOCOMMIT); wakes the outbox relay for the email
        return done

    @staticmethod
    def _advance(certificate: dict[str, Any] | None, ev: StatusChanged) -> dict[str, Any]:
        """The application's columns a newer step sets (one UPDATE, only these columns)."""
        values: dict[str, Any] = {"last_seq": ev.seq, "status": ev.status.value, "updated_at": utcnow()}
        if ev.lsp_code:
            values["lsp_code"] = ev.lsp_code
        if ev.invoice is not None:
            values["invoice"] = ev.invoice.model_dump(mode="json")
        if ev.certificate is not None:
            # LPJK's status of the certificate (certificate_status.py) stays, even if it came first.
            values["certificate"] = keep_status(certificate, ev.certificate.model_dump(mode="json"))
        if ev.reasons or ev.status in (ApplicationStatus.RETURNED, ApplicationStatus.PAYMENT_REJECTED):
            values["reasons"] = list(ev.reasons)
        return values

    def _email(self, session: AsyncSession, application_id: str, ev: StatusChanged, *, first_name: str,
               email: str) -> None:
        """The step's email, staged in the outbox of the inbox's transaction: a redelivered
        event never gets here (the inbox; a step already on the timeline is skipped), so each
        step is emailed once."""
        if ev.status not in STATUS_TEMPLATES:
            return
        mail = status_email(ev, first_name=first_name, portal_url=self.public_url)
        if mail is not None:
            request_email(self.emit, session, email, mail.subject, mail.body, application_id=application_id)


def _entry(ev: StatusChanged, note: str | None) -> dict[str, Any]:
    return {"status": ev.status.value, "at": ev.at, "actor": ev.actor, "note": note, "seq": ev.seq}


def _message(ev: StatusChanged) -> str:
    return status_message(ev.status, ev.note, ev.reasons, assessment=ev.assessment, appeal_until=ev.appeal_until)


async def _has_step(session: AsyncSession, application_id: str, seq: int) -> bool:
    """Whether SIKI's step ``seq`` is already on the application's timeline."""
    found = await session.execute(select(TimelineEntry.id).where(
        TimelineEntry.application_id == application_id, TimelineEntry.seq == seq).limit(1))
    return found.first() is not None


async def _unconfirmed(session: AsyncSession, application_id: str, status: str) -> Row[int, str | None] | None:
    """The oldest step of ``status`` the portal recorded itself and SIKI has not confirmed yet."""
    return (await session.execute(
        select(TimelineEntry.id, TimelineEntry.note).where(TimelineEntry.application_id == application_id,
                                    TimelineEntry.status == status, TimelineEntry.seq.is_(None))
        .order_by(TimelineEntry.id).limit(1)
    )).first()
