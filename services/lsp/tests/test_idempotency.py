"""``Idempotency-Key`` on the LSP's staff API (issue 15): a retried new staff account returns the
first answer and makes one account (one activation mail); another body is 422; one still running
is 409; two LSP processes on one database take a keyed request once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from services.lsp.db.models import Staff
from services.lsp.tests.support import Lsp, drive, running, settings_for, tomorrow_at
from services.portal.tests.test_email_smtp import Sink, smtp_sink  # noqa: F401 (the fixture)
from shared.idempotency import HEADER
from shared.tests.idempotency_support import (
    LEASE_AFTER_DEATH,
    check_keyed_post,
    check_retry_after_death,
    check_two_replicas,
    dying_after_commit,
)

pytestmark = pytest.mark.usefixtures("siki")


def staff(variant: int) -> dict[str, Any]:
    name = f"asesor{500 + variant}"  # clear of the dev accounts
    return {"username": name, "full_name": f"Asesor {variant}", "email": f"{name}@lsp-a.example.id",
            "roles": ["asesor"], "asesor_registration_number": f"met.000.{variant:06d}  2019"}


def sender(lsp: Lsp, headers: dict[str, str]) -> Any:
    async def send(key: str, variant: int) -> httpx.Response:
        return await lsp.client.post("/api/v1/staff", json=staff(variant), headers={**headers, HEADER: key})
    return send


def counter(lsp: Lsp) -> Any:
    async def count() -> int:
        async with lsp.app.state.lsp.sessions() as s:
            return int(await s.scalar(select(func.count()).select_from(Staff)) or 0)
    return count


@pytest.fixture
async def lsp(sqlite_url: str, smtp_sink: tuple[Sink, str]) -> AsyncIterator[Lsp]:  # noqa: F811
    async with running(settings_for(sqlite_url, smtp_url=smtp_sink[1])) as instance:
        yield instance


@pytest.mark.replays("create_staff")
async def test_a_keyed_new_staff_account_is_made_once(lsp: Lsp) -> None:
    await check_keyed_post(lsp.app, lsp.client, sender(lsp, await lsp.as_("manajer")), counter(lsp))
    await check_retry_after_death(lsp.app, lsp.client, sender(lsp, await lsp.as_("manajer")), counter(lsp))


async def test_two_processes_on_postgres_make_one_account(pg_url: str, smtp_sink: tuple[Sink, str]) -> None:  # noqa: F811
    settings = settings_for(pg_url, smtp_url=smtp_sink[1])
    async with running(settings) as one, running(settings) as two:
        headers = await one.as_("manajer")
        await check_two_replicas(sender(one, headers), sender(two, headers), counter(one))


# Every staff step of the workflow: (the state to drive to, its path, body, who acts, the state after).
STEPS = [
    ("forwarded", "verification", {"decision": "accepted"}, "admin", "invoiced"),
    ("forwarded", "verification", {"decision": "rejected", "reasons": ["KTP buram"]}, "admin", "returned"),
    ("payment_uploaded", "payment-verification", {"decision": "valid"}, "admin", "payment_verified"),
    ("payment_uploaded", "payment-verification", {"decision": "invalid", "reasons": ["buram"]}, "admin",
     "payment_rejected"),
    ("payment_verified", "start-certification", None, "admin", "in_certification"),
    ("in_certification", "schedule", {"assessor_username": "asesor1", "tuk_code": "TUK-A-01",
                                      "scheduled_at": tomorrow_at(days=3)}, "admin", "scheduled"),
    ("scheduled", "assessment-report", {"recommendation": "BK", "notes": "kurang"}, "asesor1", "assessed"),
    ("assessed", "decision", {"result": "belum_kompeten"}, "komite", "not_yet_competent"),
    ("appealed", "appeal-decision", {"decision": "rejected"}, "komite2", "appeal_rejected"),
]


@pytest.mark.replays("verify_application", "verify_payment", "start_certification", "schedule_assessment",
                      "submit_assessment_report", "decide_competence", "decide_appeal")
@pytest.mark.parametrize(("stage", "path", "body", "actor", "after"), STEPS, ids=[f"{s[1]}-{s[4]}" for s in STEPS])
async def test_a_step_retried_after_a_death_is_answered_not_refused(
        lsp: Lsp, stage: str, path: str, body: dict[str, Any] | None, actor: str,
        after: str) -> None:
    """The step committed and the process died before its answer was stored (the chaos runs'
    ``decide_kompeten is not allowed while ... 'certificate_issued'`` and ``accept_application is
    not allowed while ... 'invoiced'``, the latter refused by the acceptance's check before its
    transaction): the retry with the same key answers with the application as it is, and acts
    (and checks) nothing twice."""
    aid = await drive(lsp, stage)
    headers = {**await lsp.as_(actor), HEADER: f"{path}-1"}
    with dying_after_commit(lsp.app):
        first = await lsp.client.post(f"/api/v1/applications/{aid}/{path}", json=body, headers=headers)
    assert first.status_code == 200, first.text
    await asyncio.sleep(LEASE_AFTER_DEATH + 0.1)
    retried = await lsp.client.post(f"/api/v1/applications/{aid}/{path}", json=body, headers=headers)
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == first.json()["status"] == after
    view = await lsp.get(aid)
    assert [t["status"] for t in view["timeline"]].count(after) == 1
    # Without the key's note the same call is refused: the state has moved on.
    again = await lsp.client.post(f"/api/v1/applications/{aid}/{path}", json=body, headers=await lsp.as_(actor))
    assert again.status_code == 409, again.text
