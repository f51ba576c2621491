"""Issuances: find, and create with fresh numbers (idempotent per LSP and application)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.bnsp_mock.db.models import Issuance, NumberCounter
from services.bnsp_mock.domain import numbers
from shared.contracts.issuance import IssuanceRequest
from shared.errors import Problem
from shared.sequences import next_value


async def find(session: AsyncSession, lsp_code: str, application_id: str) -> Issuance | None:
    return (
        await session.execute(
            select(Issuance).where(Issuance.lsp_code == lsp_code, Issuance.application_id == application_id)
        )
    ).scalar_one_or_none()


def _same_plan_or_conflict(existing: Issuance, req: IssuanceRequest) -> Issuance:
    changed = numbers.differing_fields(existing.facts, numbers.identity_facts(req))
    if changed:
        raise Problem(
            409,
            f"application {req.application_id} of {req.lsp_code} was already issued with other facts "
            f"({', '.join(changed)})",
            errors=[{"field": f, "message": "differs from the plan already issued"} for f in changed],
            skk_number=existing.skk_number,
        )
    return existing


async def issue(
    sessions: async_sessionmaker[AsyncSession], req: IssuanceRequest, now: datetime
) -> tuple[Issuance, bool]:
    """The issuance of ``req``'s application: the existing one, or a new one with fresh numbers.

    Returns ``(issuance, created)``. Concurrent twins of one request race on the unique
    (lsp_code, application_id) constraint; the loser reads back and returns the winner's numbers.
    """
    year = numbers.issuance_year(now)
    try:
        # One session: the lookup of a repeat and the new issuance (the common case) share it.
        async with sessions() as s, s.begin():
            existing = await find(s, req.lsp_code, req.application_id)
            if existing is None:
                seq = await next_value(s, NumberCounter, numbers.counter_name(year))
                row = Issuance(
                    lsp_code=req.lsp_code,
                    application_id=req.application_id,
                    skk_number=numbers.skk_number(req.jabatan_kerja_code, req.jenjang, year, seq),
                    registration_number=numbers.registration_number(req.lsp_code, year, seq),
                    year=year,
                    seq=seq,
                    facts=numbers.identity_facts(req),
                    decided_at=req.decided_at,
                    issued_at=now,
                )
                s.add(row)
                await s.flush()
    except IntegrityError:
        async with sessions() as s:
            existing = await find(s, req.lsp_code, req.application_id)
        if existing is None:
            raise
        return _same_plan_or_conflict(existing, req), False
    if existing is not None:
        return _same_plan_or_conflict(existing, req), False
    return row, True
