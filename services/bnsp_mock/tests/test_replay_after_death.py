"""A keyed POST whose effects committed in a process that died before its answer was stored
(shared/idempotency_marks.py): the client's retry with the same ``Idempotency-Key``, once the
claim's lease lapsed, answers as the first attempt did (status and body) and takes no effect
again. BNSP: ``create_issuance`` and (dev mode) ``backdate_issuance``."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from services.bnsp_mock.db.models import Issuance, NumberCounter
from services.bnsp_mock.tests.helpers import auth, plan, running
from shared.idempotency import HEADER
from shared.tests.idempotency_support import LEASE_AFTER_DEATH, dying_after_commit, posted_died_then_retried
from shared.tests.operators import create_operator_session

ISSUANCES = "/api/v1/issuances"
BACKDATE = "/api/v1/dev/backdated-issuances"


async def _issuances(app: FastAPI) -> tuple[int, int]:
    """How many issuances, and the sum of the register counters (numbers drawn)."""
    async with app.state.runtime.sessions() as s:
        rows = int((await s.execute(select(func.count()).select_from(Issuance))).scalar_one())
        drawn = int((await s.execute(select(func.coalesce(func.sum(NumberCounter.value), 0)))).scalar_one())
    return rows, drawn


@pytest.mark.replays("create_issuance")
async def test_an_issuance_retried_after_a_death_answers_its_numbers_once(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        first, retried = await posted_died_then_retried(app, client, ISSUANCES, plan("app-1"),
                                                  {**auth(), HEADER: "issue-1"})
        assert first.status_code == 201, first.text
        # Not the 200 of a repeat: this is the very request that made the issuance.
        assert retried.status_code == 201, retried.text
        assert retried.json() == first.json()
        assert await _issuances(app) == (1, 1)
        # Without the key the same plan is a repeat, as before: 200 with the same numbers.
        repeat = await client.post(ISSUANCES, json=plan("app-1"), headers=auth())
        assert repeat.status_code == 200 and repeat.json() == first.json()


@pytest.mark.replays("backdate_issuance")
async def test_a_backdating_retried_after_a_death_is_answered_not_refused(sqlite_url: str) -> None:
    back = datetime.now(UTC) - timedelta(days=5 * 365 - 120)
    body = {"lsp_code": "LSP-A", "application_id": "app-1", "issued_at": back.isoformat()}
    async with running(sqlite_url) as (app, client):
        admin = await create_operator_session(client, "bnsp")
        await client.get("/healthz")
        with dying_after_commit(app):
            first = await client.post(BACKDATE, json=body, headers={**admin, HEADER: "back-1"})
        assert first.status_code == 200, first.text
        # The simulation goes on meanwhile: the application is issued as of the instant set.
        issued = await client.post(ISSUANCES, json=plan("app-1"), headers=auth())
        assert issued.status_code == 201 and datetime.fromisoformat(issued.json()["issued_at"]) == back
        await asyncio.sleep(LEASE_AFTER_DEATH + 0.1)
        retried = await client.post(BACKDATE, json=body, headers={**admin, HEADER: "back-1"})
        # Not "issued already" (409): that issuance is what this very request asked for.
        assert retried.status_code == 200, retried.text
        assert retried.json() == first.json()
        assert await _issuances(app) == (1, 1)
        # Without the key a backdating of an issued application is refused, as before.
        again = await client.post(BACKDATE, json=body, headers=admin)
        assert again.status_code == 409 and again.json()["field"] == "application_id"


@pytest.mark.replays("backdate_issuance")
async def test_a_backdating_retried_before_its_issuance_sets_the_same_instant(sqlite_url: str) -> None:
    back = datetime.now(UTC) - timedelta(days=400)
    body = {"lsp_code": "LSP-A", "application_id": "app-2", "issued_at": back.isoformat()}
    async with running(sqlite_url) as (app, client):
        admin = await create_operator_session(client, "bnsp")
        first, retried = await posted_died_then_retried(app, client, BACKDATE, body, {**admin, HEADER: "back-2"})
        assert first.status_code == retried.status_code == 200, retried.text
        assert retried.json() == first.json()
        issued = await client.post(ISSUANCES, json=plan("app-2"), headers=auth())
        assert issued.status_code == 201 and datetime.fromisoformat(issued.json()["issued_at"]) == back
