"""A keyed POST whose effects committed in a process that died before its answer was stored
(shared/idempotency_marks.py): the client's retry with the same ``Idempotency-Key``, once the
claim's lease lapsed, answers as the first attempt did (status and body) and takes no effect
again. LPJK: ``create_record``, ``revoke_record`` and the certificate's standing
(``suspend_certificate``, ``reinstate_certificate``, ``revoke_certificate``)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from services.lpjk_mock.db.models import AuditEntry, OutboxEvent, SkkRecord
from services.lpjk_mock.tests.helpers import auth, record_body, running
from shared.contracts.events import SKK_RECORDED, CertificateStatusChanged
from shared.idempotency import HEADER
from shared.tests.idempotency_support import posted_died_then_retried
from shared.tests.operators import create_operator_session


async def _effects(app: FastAPI) -> dict[str, int]:
    """What the recording and the standing's changes leave: records, their events, audit entries."""
    async with app.state.runtime.sessions() as s:
        async def count(model: Any, *where: Any) -> int:
            return int((await s.execute(select(func.count()).select_from(model).where(*where))).scalar_one())
        return {"records": await count(SkkRecord),
                "recorded": await count(OutboxEvent, OutboxEvent.type == SKK_RECORDED),
                "status_changed": await count(OutboxEvent, OutboxEvent.type == CertificateStatusChanged.event_type),
                "audit": await count(AuditEntry, AuditEntry.target_type == "skk_record")}


@pytest.mark.replays("create_record")
async def test_a_record_retried_after_a_death_answers_its_recording_once(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        first, retried = await posted_died_then_retried(app, client, "/api/v1/records", record_body(),
                                                  {**auth(), HEADER: "record-1"})
        assert first.status_code == 201, first.text
        # Not the 200 of a repeat: this is the very request that made the record.
        assert retried.status_code == 201, retried.text
        assert retried.json() == first.json()
        assert await _effects(app) == {"records": 1, "recorded": 1, "status_changed": 0, "audit": 0}
        # Without the key the same record is a repeat, as before: 200 with the same recording.
        repeat = await client.post("/api/v1/records", json=record_body(), headers=auth())
        assert repeat.status_code == 200 and repeat.json() == first.json()


# (the operator's path under the record, the paths taken before it, the standing after it)
STATUS_ACTIONS = [
    ("suspension", [], "suspended"),
    ("reinstatement", ["suspension"], "active"),
    ("revocation", ["suspension"], "revoked"),
    ("revoke", [], "revoked"),  # revoke_record, the older route to the same revocation
]


@pytest.mark.replays("suspend_certificate", "reinstate_certificate", "revoke_certificate", "revoke_record")
@pytest.mark.parametrize(("path", "before", "after"), STATUS_ACTIONS, ids=[a[0] for a in STATUS_ACTIONS])
async def test_a_change_of_standing_retried_after_a_death_is_answered_once(
        sqlite_url: str, path: str, before: list[str], after: str) -> None:
    """The first attempt's answer (``changed: true``, its previous standing), not a repeat's
    (``changed: false``); one status event, one audit entry."""
    async with running(sqlite_url) as (app, client):
        made = await client.post("/api/v1/records", json=record_body(), headers=auth())
        assert made.status_code == 201, made.text
        rn = made.json()["recording_number"]
        op = await create_operator_session(client, "lpjk")
        for step in before:
            r = await client.post(f"/api/v1/records/{rn}/{step}", json={"reason": "investigasi"}, headers=op)
            assert r.status_code == 200, r.text
        effects = await _effects(app)
        first, retried = await posted_died_then_retried(app, client, f"/api/v1/records/{rn}/{path}",
                                                  {"reason": "dokumen palsu"}, {**op, HEADER: f"{path}-1"})
        assert first.status_code == 200, first.text
        assert retried.status_code == 200, retried.text
        assert retried.json() == first.json()
        if path != "revoke":  # revoke_record answers the record, not its standing
            assert first.json()["status"] == after and first.json()["changed"] is True
        async with app.state.runtime.sessions() as s:
            assert (await s.get(SkkRecord, rn)).status == after  # type: ignore[union-attr]
        assert await _effects(app) == {**effects, "status_changed": effects["status_changed"] + 1,
                                       "audit": effects["audit"] + 1}
