"""A keyed POST whose effects committed in a process that died before its answer was stored
(shared/idempotency_marks.py): the client's retry with the same ``Idempotency-Key``, once the
claim's lease lapsed, answers as the first attempt did (status and body) and takes no effect
again. Here ``run_deadline_sweep`` and ``activate_staff`` (the workflow's steps:
test_idempotency.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from services.lsp.db.models import AuditEntry, Staff, StaffActivation, TimelineEntry
from services.lsp.tests.support import Lsp, drive, running, settings_for
from services.lsp.tests.test_staff_admin import GOOD_PASSWORD, login, one_mail, token_in
from services.portal.tests.test_email_smtp import Sink, smtp_sink  # noqa: F401 (the fixture)
from shared.idempotency import HEADER
from shared.tests.idempotency_support import LEASE_AFTER_DEATH, dying_after_commit

pytestmark = pytest.mark.usefixtures("siki")


@pytest.fixture
async def lsp(sqlite_url: str, smtp_sink: tuple[Sink, str]) -> AsyncIterator[Lsp]:  # noqa: F811
    async with running(settings_for(sqlite_url, smtp_url=smtp_sink[1])) as instance:
        yield instance


async def _died_then_retried(lsp: Lsp, path: str, body: dict[str, Any] | None,
                             headers: dict[str, str]) -> tuple[httpx.Response, httpx.Response]:
    """The first attempt dies after its commit; the retry comes after the claim's lease."""
    await lsp.client.get("/healthz")  # builds the middleware stack dying_after_commit reaches into
    with dying_after_commit(lsp.app):
        first = await lsp.client.post(path, json=body, headers=headers)
    await asyncio.sleep(LEASE_AFTER_DEATH + 0.1)
    return first, await lsp.client.post(path, json=body, headers=headers)


async def _audited(lsp: Lsp, action: str) -> int:
    async with lsp.app.state.lsp.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))
                   or 0)


@pytest.mark.replays("run_deadline_sweep")
async def test_a_sweep_retried_after_a_death_answers_the_first_runs_result(lsp: Lsp) -> None:
    """The retry finds nothing left to do, yet answers what the sweep did (the idempotent
    meaning of "this sweep"), and neither sweeps nor audits again."""
    invoiced = await drive(lsp, "invoiced")
    rejected = await drive(lsp, "payment_rejected")
    appealed = await drive(lsp, "appealed")
    due = date.fromisoformat((await lsp.get(invoiced))["invoice"]["due_date"])
    as_of = (due + timedelta(days=90)).isoformat()  # past the appeal's working days too
    first, retried = await _died_then_retried(lsp, "/api/v1/deadline-sweep", {"as_of": as_of},
                                              {**await lsp.as_("admin"), HEADER: "sweep-1"})
    assert first.status_code == 200, first.text
    assert sorted(first.json()["cancelled"]) == sorted([invoiced, rejected])
    assert first.json()["appeals_overdue"] == [appealed]
    assert retried.status_code == 200, retried.text
    assert retried.json() == first.json()
    assert await _audited(lsp, "deadline_sweep.run") == 1
    assert await _audited(lsp, "appeal.overdue") == 1
    async with lsp.app.state.lsp.sessions() as s:
        cancellations = await s.scalar(select(func.count()).select_from(TimelineEntry)
                                       .where(TimelineEntry.status == "cancelled"))
    assert cancellations == 2
    # Without the key a sweep is a new one: it finds nothing left.
    again = await lsp.client.post("/api/v1/deadline-sweep", json={"as_of": as_of}, headers=await lsp.as_("admin"))
    assert again.status_code == 200 and again.json()["cancelled"] == again.json()["appeals_overdue"] == []


@pytest.mark.replays("activate_staff")
async def test_an_activation_retried_after_a_death_is_answered_not_gone(
        lsp: Lsp, smtp_sink: tuple[Sink, str]) -> None:  # noqa: F811
    """The link was used by this very request: the retry answers the account (no secret in the
    answer), not 410 "already used", and sets no password again."""
    made = await lsp.client.post("/api/v1/staff", json={
        "username": "asesor77", "full_name": "Asesor Tujuh", "email": "asesor77@lsp-a.example.id",
        "roles": ["asesor"], "asesor_registration_number": "met.000.000077  2019"},
        headers=await lsp.as_("manajer"))
    assert made.status_code == 201, made.text
    token = token_in(await one_mail(smtp_sink[0], "asesor77@lsp-a.example.id"))
    body = {"token": token, "password": GOOD_PASSWORD, "password_repeat": GOOD_PASSWORD}
    async with lsp.app.state.lsp.sessions() as s:
        links_before = int(await s.scalar(select(func.count()).select_from(StaffActivation)) or 0)

    await lsp.client.get("/healthz")
    with dying_after_commit(lsp.app):
        first = await lsp.client.post("/api/v1/staff/activation", json=body, headers={HEADER: "activate-1"})
    assert first.status_code == 200, first.text
    async with lsp.app.state.lsp.sessions() as s:
        hashed = (await s.get(Staff, "asesor77")).password_hash  # type: ignore[union-attr]
    await asyncio.sleep(LEASE_AFTER_DEATH + 0.1)
    retried = await lsp.client.post("/api/v1/staff/activation", json=body, headers={HEADER: "activate-1"})
    assert retried.status_code == 200, retried.text
    assert retried.json() == first.json() == {"username": "asesor77", "roles": ["asesor"]}

    assert await _audited(lsp, "staff.activated") == 1
    async with lsp.app.state.lsp.sessions() as s:
        assert (await s.get(Staff, "asesor77")).password_hash == hashed  # type: ignore[union-attr]
        assert int(await s.scalar(select(func.count()).select_from(StaffActivation)) or 0) == links_before
    assert (await login(lsp.client, "asesor77", GOOD_PASSWORD)).status_code == 200
    # Without the key the used link is gone, as before.
    again = await lsp.client.post("/api/v1/staff/activation", json=body)
    assert again.status_code == 410, again.text
