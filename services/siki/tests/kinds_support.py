"""Helpers of the renewal and change tests: SKK entered in the register (and their status
changed) as LPJK's events do it, submissions of each kind, the webhooks the LSP received, and a
refusal shown to have changed nothing."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from services.siki.tests.conftest import NIK, Harness, eventually
from services.siki.tests.test_ownership import apply, held_ids
from shared.bus import EventEnvelope
from shared.contracts.events import CERTIFICATE_STATUS_CHANGED, SKK_RECORDED
from shared.reference import get_reference

TODAY = date.today()


@dataclass
class Held:
    """One SKK in the register, as LPJK recorded it."""

    recording_number: str
    skk_number: str
    application_id: str
    jabatan_kerja_code: str
    issued_on: date
    valid_until: date
    seq: int = 0  # the last certificate.status_changed published for it


async def register(h: Harness, jk: str, *, valid_until: date | None = None, skk_number: str | None = None,
                   application_id: str | None = None, nik: str = NIK, issued_on: date | None = None) -> Held:
    """LPJK's ``skk.recorded``; waits until the register has it."""
    tag = uuid.uuid4().hex[:8]
    held = Held(recording_number=f"LPJK-{tag}", skk_number=skk_number or f"SKK-{tag}",
                application_id=application_id or f"held-{tag}", jabatan_kerja_code=jk,
                issued_on=issued_on or TODAY - timedelta(days=1700),
                valid_until=valid_until or TODAY + timedelta(days=100))
    ref = get_reference().jabatan_kerja[jk]
    payload = {
        "recording_number": held.recording_number, "skk_number": held.skk_number,
        "registration_number": f"REG-{tag}", "nik": nik, "lsp_code": "LSP-A", "application_id": held.application_id,
        "klasifikasi_code": ref["subklasifikasi_code"][:2], "subklasifikasi_code": ref["subklasifikasi_code"],
        "kualifikasi": ref["kualifikasi"], "jabatan_kerja_code": jk, "jenjang": ref["jenjang"][0],
        "issued_on": held.issued_on.isoformat(), "valid_until": held.valid_until.isoformat(),
    }
    await h.runtime.bus.publish(EventEnvelope(type=SKK_RECORDED, correlation_id=uuid.uuid4().hex,
                                              application_id=held.application_id, source="lpjk", payload=payload))
    await eventually(lambda: _has(h, held.recording_number, nik), what=f"{held.recording_number} in the register")
    return held


async def set_status(h: Harness, held: Held, status: str, previous: str = "active",
                     superseded_by: str | None = None) -> None:
    """LPJK's ``certificate.status_changed``; waits until the register shows it."""
    held.seq += 1
    payload = {"recording_number": held.recording_number, "skk_number": held.skk_number,
               "application_id": held.application_id, "lsp_code": "LSP-A", "seq": held.seq, "status": status,
               "previous_status": previous, "reason": "uji", "at": datetime.now(UTC).isoformat(),
               "superseded_by": superseded_by}
    await h.runtime.bus.publish(EventEnvelope(type=CERTIFICATE_STATUS_CHANGED, correlation_id=uuid.uuid4().hex,
                                              application_id=held.application_id, source="lpjk", payload=payload))

    async def shown() -> bool:
        return (await skk_row(h, held.recording_number))["status"] == status

    await eventually(shown, what=f"{held.recording_number} {status}")


async def skk_rows(h: Harness, nik: str = NIK) -> list[dict[str, Any]]:
    q = await h.client.post("/api/v1/skk/query", json={"nik": nik}, headers=h.operator)
    assert q.status_code == 200, q.text
    return list(q.json()["skk"])


async def skk_row(h: Harness, recording_number: str) -> dict[str, Any]:
    (row,) = [k for k in await skk_rows(h) if k["recording_number"] == recording_number]
    return row


async def _has(h: Harness, recording_number: str, nik: str) -> bool:
    return any(k["recording_number"] == recording_number for k in await skk_rows(h, nik))


def of_kind(kind: str, held: Held | None, *, jk: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A submission of ``kind`` for the held SKK (its scheme unless ``jk``)."""
    body = apply(jk or (held.jabatan_kerja_code if held else "SI012022"))
    body["application_kind"] = kind
    body["previous_skk_number"] = held.skk_number if held else None
    if kind == "perubahan":
        body["changed_fields"] = ["full_name"]
        body["sections"]["personal"]["full_name"] = "Budi Santoso Wijaya"
    body.update(overrides)
    return body


@dataclass
class LspInbox:
    """The webhooks the LSP received (respx side effect), by type."""

    received: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.received.append(json.loads(request.content))
        return httpx.Response(204)

    def data(self, type_: str, application_id: str) -> list[dict[str, Any]]:
        return [b["data"] for b in self.received if b["type"] == type_ and b["data"].get("id") == application_id]

    async def wait(self, type_: str, application_id: str, count: int = 1) -> list[dict[str, Any]]:
        async def arrived() -> bool:
            return len(self.data(type_, application_id)) >= count

        await eventually(arrived, what=f"{count} {type_} of {application_id}")
        return self.data(type_, application_id)


def fields(r: httpx.Response) -> list[str]:
    return [e["field"] for e in r.json()["errors"]]


async def refused(h: Harness, body: dict[str, Any], status: int = 422) -> httpx.Response:
    """Submit ``body``, expect a problem naming fields, and show that nothing of it was recorded
    (a resubmission's application keeps its timeline and its webhooks)."""
    before = await held_ids(h)
    app_id = body["id"]
    timeline = await h.client.get(f"/api/v1/applications/{app_id}/timeline", headers=h.operator)
    deliveries = await h.deliveries(application_id=app_id)
    r = await h.submit(body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"], r.text
    after = await h.client.get(f"/api/v1/applications/{app_id}/timeline", headers=h.operator)
    assert (after.status_code, after.text) == (timeline.status_code, timeline.text)
    assert [d["id"] for d in await h.deliveries(application_id=app_id)] == [d["id"] for d in deliveries]
    assert await held_ids(h) == before
    return r
