"""``create_issuance``: check an LSP's issuance plan and give it its SKK and registration numbers,
once per (lsp_code, application_id); and (dev mode) ``backdate_issuance``.

Both leave an idempotency note (shared/idempotency_marks.py) in the transaction that commits
them: a retry of the same keyed request after its process died unanswered is answered from the
note, before any check (a check of the state before the request would refuse what it did)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.bnsp_mock.db import repository
from services.bnsp_mock.db.models import Issuance
from services.bnsp_mock.domain import numbers
from shared.bus import utcnow
from shared.contracts.issuance import IssuanceRequest, IssuanceResponse
from shared.database import read_session
from shared.exceptions import Conflict, Invalid
from shared.idempotency_marks import remember, replayed
from shared.reference import ReferenceData, get_reference


@dataclass(frozen=True)
class Issued:
    issuance: IssuanceResponse
    created: bool  # False for a repeat: the numbers issued before


class Issuances:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], *,
                 reference: Callable[[], ReferenceData] = get_reference,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.sessions = sessions
        self.reference = reference
        self.clock = clock
        # Dev mode only (api/dev.py): issuance instants set beforehand per (lsp_code,
        # application_id), so that a test can hold an SKK issued years ago (near its expiry: a
        # renewal's window) through the real journey. In memory: a simulation aid, not a record.
        self.backdated: dict[tuple[str, str], datetime] = {}

    async def issue(self, req: IssuanceRequest) -> Issued:
        """The issuance of ``req``'s application: a new one with fresh numbers, or the existing one
        for a repeat of the same plan.

        A ``perubahan`` keeps the SKK number of ``previous_skk_number``; a ``perpanjangan`` gets a
        new one; either names an SKK BNSP issued to the same NIK (``domain.numbers.check_held``).

        Raises ``Invalid`` for an inconsistent plan, ``LspNotLicensed`` for an LSP BNSP has not
        licensed for the jabatan kerja, ``PlanChanged`` for a repeat that changes identity facts;
        nothing is stored then. Concurrent twins race on the unique (lsp_code, application_id)
        constraint; the loser rolls back (giving its sequence value back) and reads the winner's.
        """
        if (made := await self._made_by_this_request(req)) is not None:
            return made
        numbers.check_plan(self.reference(), req)
        numbers.check_kind(req)
        now = self.backdated.get((req.lsp_code, req.application_id)) or self.clock()
        year = numbers.issuance_year(now)
        try:
            # One session: the lookup of a repeat and the new issuance (the common case) share it.
            async with self.sessions() as s, s.begin():
                existing = await repository.find(s, req.lsp_code, req.application_id)
                if existing is None:
                    if req.previous_skk_number is not None:
                        numbers.check_held(req, await _held(s, req.previous_skk_number))
                    seq = await repository.next_seq(s, numbers.counter_name(year))
                    row = await repository.add(s, Issuance(
                        lsp_code=req.lsp_code,
                        application_id=req.application_id,
                        skk_number=numbers.skk_number_of(req, year, seq),
                        registration_number=numbers.registration_number(req.lsp_code, year, seq),
                        year=year,
                        seq=seq,
                        facts=numbers.identity_facts(req),
                        decided_at=req.decided_at,
                        issued_at=now,
                    ))
                    remember(issuance_id=row.id)  # commits with the issuance (see module)
        except repository.Duplicate:
            async with read_session(self.sessions) as s:
                existing = await repository.find(s, req.lsp_code, req.application_id)
            if existing is None:
                raise
        if existing is not None:
            numbers.check_repeat(existing.facts, req, existing.skk_number)
            return Issued(_answer(existing), created=False)
        return Issued(_answer(row), created=True)

    async def _made_by_this_request(self, req: IssuanceRequest) -> Issued | None:
        """The issuance this very request (same Idempotency-Key, same body) made in an attempt
        that died before answering: answered as that attempt would have (201, not a repeat's
        200), without checking the plan again or drawing numbers."""
        notes = replayed()
        if notes is None or "issuance_id" not in notes:
            return None
        async with read_session(self.sessions) as s:
            row = await s.get(Issuance, int(notes["issuance_id"]))
        if row is None or (row.lsp_code, row.application_id) != (req.lsp_code, req.application_id):
            return None  # not this request's: decide afresh
        return Issued(_answer(row), created=True)

    async def backdate(self, lsp_code: str, application_id: str, issued_at: datetime) -> None:
        """Dev mode: issue ``application_id`` of ``lsp_code``, when its plan comes, as of ``issued_at``
        (in the past: :class:`Invalid` naming ``issued_at`` otherwise; :class:`Conflict` naming
        ``application_id`` if it was issued already: its numbers and date stand)."""
        notes = replayed()
        if notes is not None and (notes.get("backdated_lsp"), notes.get("backdated_application")) == (
                lsp_code, application_id):
            # This very request was accepted by an attempt that died before answering. Not
            # refused now that the application may be issued (as of this instant: what it asked
            # for); the instant is set again if not, for a real death lost the process's memory.
            async with read_session(self.sessions) as s:
                if await repository.find(s, lsp_code, application_id) is None:
                    self.backdated[(lsp_code, application_id)] = issued_at
            return
        if issued_at.tzinfo is None or issued_at > self.clock():
            raise Invalid.field("issued_at", "must be a past instant with its UTC offset")
        # A writing transaction, though it writes nothing of its own: its commit carries the note.
        async with self.sessions() as s, s.begin():
            if await repository.find(s, lsp_code, application_id) is not None:
                raise Conflict(f"application {application_id} of {lsp_code} is issued already",
                               errors=[{"field": "application_id", "message": "already issued"}])
            remember(backdated_lsp=lsp_code, backdated_application=application_id)
        self.backdated[(lsp_code, application_id)] = issued_at


async def _held(session: AsyncSession, skk_number: str) -> numbers.HeldSkk | None:
    row = await repository.latest_with_skk(session, skk_number)
    if row is None:
        return None
    return numbers.HeldSkk(skk_number=row.skk_number, nik=row.facts["nik"],
                           jabatan_kerja_code=row.facts["jabatan_kerja_code"], jenjang=int(row.facts["jenjang"]))


def _answer(row: Issuance) -> IssuanceResponse:
    return IssuanceResponse(
        lsp_code=row.lsp_code,
        application_id=row.application_id,
        skk_number=row.skk_number,
        registration_number=row.registration_number,
        # SQLite hands back naive datetimes; they were stored in UTC.
        issued_at=row.issued_at if row.issued_at.tzinfo else row.issued_at.replace(tzinfo=UTC),
    )
