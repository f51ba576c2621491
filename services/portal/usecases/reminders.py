"""Expiry reminders (SPEC section 8, "Certificates over their life"): the holder of an SKK is
emailed, and notified in the portal, some days before it expires (``SKK_EXPIRY_REMINDER_DAYS``,
90 and 30 by default) with the link where a renewal (perpanjangan) starts.

Which reminder is due is ``domain/expiry.py``. Exactly once per (certificate, threshold): the
``expiry_reminders`` row is written in the transaction that stages the email in the outbox (its
event id is the Message-ID, so a redelivery is the same message) and the notification, and it is
unique; each certificate is handled under its own lock (in-process, plus PostgreSQL's advisory
lock across replicas), so a second sweep finds the first one's row. The periodic pass is also
played by one replica at a time (``try_session_lock``), which only saves the others the work.

A certificate being renewed (a perpanjangan naming it submitted, or done), replaced by a change
(a perubahan naming it that issued its own certificate), revoked or superseded is not reminded.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.portal.db.models import Application
from services.portal.db.reminders import add_reminder, issued_certificates, sent_on, sent_thresholds
from services.portal.db.renewals import naming_skk
from services.portal.db.repositories import notify, user_by_id
from services.portal.domain.applications import DOWNLOADABLE, WIB, wib_date
from services.portal.domain.expiry import HeldCertificate, days_left, held_certificate, parse_thresholds, reminder_due
from services.portal.domain.renewal import DONE, GIVEN_UP
from services.portal.mail_templates import RenderedEmail, render_email
from services.portal.settings import PortalSettings
from services.portal.usecases.common import Emit, request_email
from shared.bus import utcnow
from shared.contracts.kinds import CHANGE, RENEWAL
from shared.database import read_session
from shared.dblocks import DbKeyedLock, try_session_lock
from shared.exceptions import Invalid
from shared.idempotency_marks import remember, replayed
from shared.logging import get_logger
from shared.reference import get_reference

log = get_logger(__name__)

BATCH = 200
ROLE = "portal:expiry-reminders"
NOTIFICATION_STATUS = "certificate_expiring"
# Where a renewal starts in the applicant's pages (services/portal/web: /permohonan/baru is the
# new application page; the renewal form reads ``jenis`` and ``skk``).
RENEWAL_PATH = "/permohonan/baru"
# One certificate at a time across the replicas: the check of the rows sent and the new row.
_CERTIFICATE_LOCK = DbKeyedLock("portal:expiry-reminder")


@dataclass(frozen=True)
class SentReminder:
    application_id: str
    skk_number: str
    threshold_days: int
    days_left: int
    valid_until: date


@dataclass
class ReminderSweep:
    """What one sweep did: the reminders it sent; ``skipped`` when another replica was sweeping."""

    as_of: date
    sent: list[SentReminder] = field(default_factory=list)
    skipped: bool = False


def wib_today() -> date:
    return utcnow().astimezone(WIB).date()


def renewal_url(public_url: str, skk_number: str) -> str:
    return f"{public_url.rstrip('/')}{RENEWAL_PATH}?{urlencode({'jenis': 'perpanjangan', 'skk': skk_number})}"


def jabatan_kerja_of(sections: dict[str, Any] | None) -> str:
    """``Arsitek Utama (AR011001)`` from the application's qualification, or "" when unknown."""
    code = ((sections or {}).get("qualification") or {}).get("jabatan_kerja_code")
    if not isinstance(code, str) or not code:
        return ""
    jk = get_reference().jabatan_kerja.get(code)
    return f"{jk['name']} ({code})" if jk else code


def reminder_message(cert: HeldCertificate, left: int, url: str) -> str:
    """The in-app notification: the same facts as the email, on one line."""
    when = "hari ini" if left == 0 else f"{left} hari lagi"
    return (f"Masa berlaku SKK Konstruksi {cert.skk_number} berakhir pada {wib_date(cert.valid_until)} ({when}). "
            f"Ajukan perpanjangan di {url}")


def reminder_email(first_name: str, cert: HeldCertificate, left: int, jabatan_kerja: str, url: str) -> RenderedEmail:
    return render_email("expiry_reminder", first_name=first_name, skk_number=cert.skk_number,
                        jabatan_kerja=jabatan_kerja, valid_until=wib_date(cert.valid_until), days_left=left,
                        renewal_url=url)


async def renewed_or_replaced(s: AsyncSession, app: Application, skk_number: str) -> bool:
    """Whether the holder needs no reminder for ``app``'s certificate: a renewal of it was submitted
    (or is done), or a later change issued the replacing certificate (same SKK number)."""
    for other in await naming_skk(s, app.user_id, skk_number):
        if other.id == app.id:
            continue
        if other.application_kind == RENEWAL and other.status not in GIVEN_UP and other.status != "draft":
            return True
        if other.application_kind == CHANGE and other.status in DONE and other.created_at > app.created_at:
            return True
    return False


class ExpiryReminders:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], emit: Emit, settings: PortalSettings) -> None:
        self.sessions = sessions
        self.emit = emit
        self.settings = settings
        self.thresholds = parse_thresholds(settings.expiry_reminder_days)

    async def trigger(self, as_of: date | None) -> ReminderSweep:
        """``run_expiry_reminders``: sweep today (WIB), or, in dev mode only, ``as_of`` as if it were today."""
        if (notes := replayed()) is not None and notes.get("reminders_of"):
            return await self._replayed(date.fromisoformat(notes["reminders_of"]),
                                        datetime.fromisoformat(notes["reminders_since"]))
        if as_of is not None and not self.settings.is_dev:
            raise Invalid.field("as_of", "as_of is accepted only in dev mode")
        return await self.run(as_of or wib_today())

    async def run(self, today: date, *, began: datetime | None = None) -> ReminderSweep:
        """One pass over the issued certificates as of ``today``; skipped while another replica sweeps.
        ``began``: when the request this pass serves first began (a replay's), else now."""
        async with try_session_lock(self.sessions, ROLE) as mine:
            if not mine:
                return ReminderSweep(as_of=today, skipped=True)
            return await self._sweep(today, began or utcnow())

    async def _replayed(self, today: date, since: datetime) -> ReminderSweep:
        """A sweep requested (same Idempotency-Key) by an attempt that died after sending some
        reminders: the sweep of that same day is finished (the dead attempt may have stopped
        half-way; each reminder still goes once, its row being unique), and the answer lists what
        the request sent, as the first attempt would have: that day's reminders since it began."""
        # Skipped if another replica sweeps: that one finishes it. Its notes keep the first
        # attempt's start, so a death of this attempt too changes nothing of the answer.
        await self.run(today, began=since)
        async with read_session(self.sessions) as s:
            rows = await sent_on(s, today, since)
        return ReminderSweep(as_of=today, sent=[SentReminder(
            application_id=r.application_id, skk_number=r.skk_number, threshold_days=r.threshold_days,
            days_left=days_left(r.valid_until, today), valid_until=r.valid_until) for r in rows])

    async def _sweep(self, today: date, began: datetime) -> ReminderSweep:
        outcome = ReminderSweep(as_of=today)
        after = ""
        statuses = sorted(s.value for s in DOWNLOADABLE)
        while True:
            async with read_session(self.sessions) as s:
                page = await issued_certificates(s, statuses, after=after, limit=BATCH)
            for application_id, certificate in page:
                cert = held_certificate(certificate)
                # The cheap check first: most certificates are nowhere near a threshold.
                if cert is not None and reminder_due(cert.valid_until, today, self.thresholds, ()) is not None:
                    sent = await self._remind(application_id, today, began)
                    if sent is not None:
                        outcome.sent.append(sent)
            if len(page) < BATCH:
                break
            after = page[-1][0]
        if outcome.sent:
            log.info("expiry reminders sent", as_of=today.isoformat(), count=len(outcome.sent))
        return outcome

    async def _remind(self, application_id: str, today: date,
                      began: datetime | None = None) -> SentReminder | None:
        """The reminder due for one certificate, with its row, email and notification in one
        transaction; None when none is due (any more) or another sweep sent it meanwhile."""
        try:
            async with _CERTIFICATE_LOCK.transaction(self.sessions, application_id) as s:
                return await self._remind_in(s, application_id, today, began)
        except IntegrityError:
            # The unique row: another sweep got there first (the lock makes this the last guard).
            log.info("expiry reminder already sent", application_id=application_id)
            return None

    async def _remind_in(self, s: AsyncSession, application_id: str, today: date,
                         began: datetime | None) -> SentReminder | None:
        app = await s.get(Application, application_id)
        cert = held_certificate(app.certificate) if app is not None else None
        if app is None or cert is None:
            return None  # revoked or superseded since the page was read
        if await renewed_or_replaced(s, app, cert.skk_number):
            return None
        threshold = reminder_due(cert.valid_until, today, self.thresholds, await sent_thresholds(s, application_id))
        user = await user_by_id(s, app.user_id)
        if threshold is None or user is None:
            return None
        left = days_left(cert.valid_until, today)
        url = renewal_url(self.settings.public_url, cert.skk_number)
        now = utcnow()
        add_reminder(s, application_id, threshold, cert.skk_number, cert.valid_until, today, now)
        await s.flush()  # the unique row first: a duplicate fails here, before anything is staged
        mail = reminder_email(user.first_name, cert, left, jabatan_kerja_of(app.sections), url)
        request_email(self.emit, s, user.email, mail.subject, mail.body, application_id=application_id)
        notify(s, app.user_id, application_id, NOTIFICATION_STATUS, reminder_message(cert, left, url), now)
        # A keyed request's note (no-op for the scheduled job), committed with the reminder: a retry
        # after a death answers with the reminders sent, not with an empty sweep.
        remember(reminders_of=today.isoformat(), reminders_since=(began or now).isoformat())
        return SentReminder(application_id=application_id, skk_number=cert.skk_number, threshold_days=threshold,
                            days_left=left, valid_until=cert.valid_until)

    async def loop(self) -> None:
        """The scheduled job (a background task of the runtime, cancelled at shutdown). Each pass
        is idempotent, so running it more often than daily only makes the day's reminders go out
        early in the WIB day. A failed pass raises: the runtime logs it and restarts the loop."""
        while True:
            await asyncio.sleep(self.settings.expiry_reminder_interval_seconds)
            await self.run(wib_today())
