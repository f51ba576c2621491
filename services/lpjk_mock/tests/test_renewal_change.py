"""Issue 16 at LPJK: a change (perubahan) records a new certificate under the same SKK number
with the same validity end; a renewal (perpanjangan) one under a new SKK number for the same
holder and competence; the replaced one is superseded with its certificate.status_changed event.
Refusals name the field and change nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from services.lpjk_mock.db.models import OutboxEvent, SkkRecord
from services.lpjk_mock.tests.helpers import auth, record_body, running
from shared.contracts.events import SKK_RECORDED, CertificateStatusChanged

STATUS_CHANGED = CertificateStatusChanged.event_type
SOON = date.today() + timedelta(days=60)  # a held SKK near its end: inside the renewal window


async def _post(client: httpx.AsyncClient, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
    r = await client.post("/api/v1/records", json=body, headers=auth())
    assert r.status_code == status, r.text
    return dict(r.json())


async def _state(app: Any) -> tuple[dict[str, SkkRecord], list[OutboxEvent]]:
    async with app.state.runtime.sessions() as s:
        rows = {r.recording_number: r for r in (await s.execute(select(SkkRecord))).scalars()}
        events = list((await s.execute(select(OutboxEvent).order_by(OutboxEvent.seq))).scalars())
    return rows, events


async def test_a_change_must_keep_the_validity_end(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        old = await _post(client, record_body(issued_on="2021-06-01", valid_until=SOON.isoformat()))
        before = await _state(app)
        change = record_body(application_id="app-2", full_name="Budi Santosa", replaces=old["recording_number"])
        refused = await _post(client, change, 422)  # the default validity: five years from today
        assert refused["errors"] == [{"field": "valid_until", "message": refused["errors"][0]["message"]}]
        assert SOON.isoformat() in refused["errors"][0]["message"]
        rows, events = await _state(app)
        assert len(rows) == len(before[0]) and len(events) == len(before[1])

        new = await _post(client, {**change, "valid_until": SOON.isoformat()})
        assert (new["skk_number"], new["valid_until"]) == (old["skk_number"], SOON.isoformat())
        rows, events = await _state(app)
        assert rows[old["recording_number"]].status == "superseded"
        assert rows[old["recording_number"]].superseded_by == new["recording_number"]
        assert rows[new["recording_number"]].full_name == "Budi Santosa"
        assert [e.type for e in events] == [SKK_RECORDED, STATUS_CHANGED, SKK_RECORDED]
        superseded = events[1].payload
        assert (superseded["recording_number"], superseded["status"], superseded["superseded_by"]) == (
            old["recording_number"], "superseded", new["recording_number"])
        verified = (await client.get(f"/api/v1/public/certificates/{old['recording_number']}")).json()
        assert (verified["status"], verified["superseded_by"]) == ("superseded", new["recording_number"])


async def test_a_renewal_must_replace_the_same_competence(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        old = await _post(client, record_body(issued_on="2021-06-01", valid_until=SOON.isoformat()))
        other_jabatan = await _post(client, record_body(
            "SI012001.6.2026.0000003", "app-3", jabatan_kerja_code="SI012001", jenjang=6))
        renewal = record_body("SI012022.4.2026.0000009", "app-r")
        before = await _state(app)
        # The renewal of a Juru Gambar (SI012022, jenjang 4) cannot replace an SI012001 certificate.
        refused = await _post(client, {**renewal, "replaces": other_jabatan["recording_number"]}, 422)
        assert [e["field"] for e in refused["errors"]] == ["replaces"]
        rows, events = await _state(app)
        assert len(rows) == len(before[0]) and len(events) == len(before[1])

        new = await _post(client, {**renewal, "replaces": old["recording_number"]})
        assert new["skk_number"] != old["skk_number"] and new["valid_until"] == renewal["valid_until"]
        rows, events = await _state(app)
        assert rows[old["recording_number"]].status == "superseded"
        assert rows[other_jabatan["recording_number"]].status == "active"
        changed = [e.payload for e in events if e.type == STATUS_CHANGED]
        assert [(c["recording_number"], c["superseded_by"]) for c in changed] == [
            (old["recording_number"], new["recording_number"])]
        for number, status in ((old["recording_number"], "superseded"), (new["recording_number"], "active")):
            verified = (await client.get(f"/api/v1/public/certificates/{number}")).json()
            assert verified["status"] == status
