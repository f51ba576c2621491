"""SIKI's signed webhooks: accepted when signed, refused otherwise, applied once."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from services.lsp.tests.support import Lsp, drive, running, settings_for, signed, submission

pytestmark = pytest.mark.usefixtures("siki")


@pytest.fixture
async def lsp(sqlite_url: str) -> Any:
    async with running(settings_for(sqlite_url, webhook_tolerance_seconds=120)) as instance:
        yield instance


@pytest.fixture(params=["sqlite_url", "pg_url"])
def db_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(request.param))


@pytest.fixture
async def lsp_any(db_url: str) -> Any:
    """Also on PostgreSQL, where the note of a webhook id rides in its transaction's BEGIN."""
    async with running(settings_for(db_url, webhook_tolerance_seconds=120)) as instance:
        yield instance


def envelope(type_: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": type_, "timestamp": datetime.now(UTC).isoformat(), "data": data}


async def count_applications(lsp: Lsp) -> int:
    r = await lsp.client.get("/api/v1/applications", headers=await lsp.as_("admin"))
    return len(r.json()["items"])


async def test_correctly_signed_is_accepted(lsp: Lsp) -> None:
    sub = submission()
    r = await lsp.webhook("application.submitted", sub)
    assert r.status_code == 200, r.text
    assert r.json()["outcome"] == "created"
    view = await lsp.get(sub["id"])
    assert view["status"] == "forwarded"
    assert [t["status"] for t in view["timeline"]] == ["forwarded"]
    assert view["timeline"][0]["actor"] == "SIKI"


@pytest.mark.parametrize("tamper", ["wrong_secret", "body_changed", "missing_signature", "old_timestamp",
                                    "future_timestamp", "garbage_signature"])
async def test_refused_without_effect(lsp: Lsp, tamper: str) -> None:
    secret = lsp.settings.siki_webhook_secret.get_secret_value()
    body = envelope("application.submitted", submission())
    ts = int(time.time())
    # Well outside the window: a second or two of a loaded machine must not bring it back inside
    # (the window's exact edge is the unit test of verify_signature's job).
    outside = lsp.settings.webhook_tolerance_seconds + 30
    if tamper == "wrong_secret":
        from shared.devdefaults import dev_webhook_secret

        raw, headers = signed(dev_webhook_secret("LSP-B"), body)
    elif tamper == "body_changed":
        raw, headers = signed(secret, body)
        raw = raw.replace(b"Budi", b"Badu")
    elif tamper == "missing_signature":
        raw, headers = signed(secret, body)
        del headers["webhook-signature"]
    elif tamper == "old_timestamp":
        raw, headers = signed(secret, body, timestamp=ts - outside)  # correctly signed, but too old
    elif tamper == "future_timestamp":
        raw, headers = signed(secret, body, timestamp=ts + outside)
    else:
        raw, headers = signed(secret, body)
        headers["webhook-signature"] = "v1,bm90IGEgc2lnbmF0dXJl"
    r = await lsp.client.post("/api/v1/webhooks/siki", content=raw, headers=headers)
    assert r.status_code == 401, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["field"] == "webhook-signature"
    assert await count_applications(lsp) == 0


async def test_within_the_window_is_accepted(lsp: Lsp) -> None:
    secret = lsp.settings.siki_webhook_secret.get_secret_value()
    raw, headers = signed(secret, envelope("application.submitted", submission()), timestamp=int(time.time()) - 100)
    assert (await lsp.client.post("/api/v1/webhooks/siki", content=raw, headers=headers)).status_code == 200


async def test_replayed_id_is_200_without_second_effect(lsp_any: Lsp) -> None:
    lsp = lsp_any
    aid = await drive(lsp, "invoiced")
    await lsp.wait_reports_sent(aid)  # the background sender is done: only the webhooks change the view
    doc = {"id": "doc-9", "kind": "payment_proof", "sha256": "1" * 64, "content_type": "application/pdf", "size": 9}
    data = {"application_id": aid, "proof_no": 1, "document": doc, "uploaded_at": datetime.now(UTC).isoformat()}
    first = await lsp.webhook("payment.proof_uploaded", data, webhook_id="msg_fixed_1")
    assert first.status_code == 200 and first.json()["outcome"] == "updated"
    after_first = await lsp.get(aid)
    assert after_first["status"] == "payment_uploaded"
    assert after_first["payment"]["proof"]["id"] == "doc-9"
    # Same id again (SIKI's retry), freshly signed: 200, nothing more happens.
    again = await lsp.webhook("payment.proof_uploaded", data, webhook_id="msg_fixed_1")
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    # Even a new id carrying the same proof changes nothing (natural key: proof_no).
    other = await lsp.webhook("payment.proof_uploaded", data)
    assert other.status_code == 200 and other.json()["outcome"] == "already received"
    assert await lsp.get(aid) == after_first


async def test_replayed_submission_creates_one_application(lsp_any: Lsp) -> None:
    lsp = lsp_any
    sub = submission()
    for _ in range(3):
        r = await lsp.webhook("application.submitted", sub, webhook_id="msg_same")
        assert r.status_code == 200
    assert await count_applications(lsp) == 1
    assert len((await lsp.get(sub["id"]))["timeline"]) == 1


async def test_payload_problems_name_the_field(lsp: Lsp) -> None:
    bad = submission()
    del bad["nik"]
    r = await lsp.webhook("application.submitted", bad)
    assert r.status_code == 422 and r.json()["field"] == "data.nik"
    r = await lsp.webhook("application.submitted", submission(jabatan_kerja_code="XX999999"))
    assert r.status_code == 422 and r.json()["field"] == "data.jabatan_kerja_code"
    r = await lsp.webhook("payment.proof_uploaded", {"application_id": "nope", "proof_no": 1, "document": {
        "id": "d", "kind": "k", "sha256": "0", "content_type": "application/pdf", "size": 1},
        "uploaded_at": datetime.now(UTC).isoformat()})
    assert r.status_code == 404
    assert await count_applications(lsp) == 0
    # A refused webhook is not remembered: the corrected delivery with the same id goes through.
    good = submission()
    broken = {**good, "jenjang": 99}
    assert (await lsp.webhook("application.submitted", broken, webhook_id="msg_retry")).status_code == 422
    assert (await lsp.webhook("application.submitted", good, webhook_id="msg_retry")).status_code == 200


async def test_appeal_and_wrong_state(lsp_any: Lsp) -> None:
    lsp = lsp_any
    aid = await drive(lsp, "forwarded")
    data = {"application_id": aid, "reason": "Saya tidak setuju dengan keputusan", "filed_at": "2025-01-01T00:00:00Z"}
    r = await lsp.webhook("appeal.filed", data)
    assert r.status_code == 409 and r.json()["current_status"] == "forwarded"
    aid = await drive(lsp, "not_yet_competent")
    r = await lsp.webhook("appeal.filed", {**data, "application_id": aid})
    assert r.status_code == 200
    view = await lsp.get(aid)
    assert view["status"] == "appealed" and view["appeal"]["reason"].startswith("Saya")
    assert "appealed" not in [x["status"] for x in view["reports"]]  # SIKI's own step: not reported back


async def test_not_json_is_refused_after_the_signature(lsp: Lsp) -> None:
    secret = lsp.settings.siki_webhook_secret.get_secret_value()
    raw, headers = signed(secret, {"x": 1})
    r = await lsp.client.post("/api/v1/webhooks/siki", content=raw, headers=headers)
    assert r.status_code == 422
    # JSON, but not a webhook: the answer names what is missing (issue 12: the field to fix).
    assert {e["field"] for e in json.loads(r.text)["errors"]} == {"type", "timestamp", "data"}


async def test_production_secret_used(sqlite_url: str) -> None:
    custom = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk="
    async with running(settings_for(sqlite_url, siki_webhook_secret=custom)) as lsp:
        from shared.devdefaults import dev_webhook_secret

        raw, headers = signed(dev_webhook_secret("LSP-A"), envelope("application.submitted", submission()))
        assert (await lsp.client.post("/api/v1/webhooks/siki", content=raw, headers=headers)).status_code == 401
        assert (await lsp.webhook("application.submitted", submission())).status_code == 200


@pytest.mark.parametrize(("edges", "extra", "accepted"),
                         [(0, 0, True), (-1, 0, True), (1, 0, True), (-1, -1, False), (1, 1, False)])
async def test_the_window_edge(lsp: Lsp, edges: int, extra: int, accepted: bool) -> None:
    """``webhook_tolerance_seconds`` either side of now, to the second (``now`` fixed, no clock race)."""
    from types import SimpleNamespace

    from services.lsp.usecases.inbound import verify_signature

    secret = lsp.settings.siki_webhook_secret.get_secret_value()
    tolerance = lsp.settings.webhook_tolerance_seconds
    now = 1_900_000_000.0
    sent = int(now) + edges * tolerance + extra  # at the edge, or one second beyond it
    raw, headers = signed(secret, envelope("application.submitted", submission()), timestamp=sent)
    ctx: Any = SimpleNamespace(settings=lsp.settings)
    if accepted:
        assert verify_signature(ctx, raw, headers, now=now) == headers["webhook-id"]
    else:
        with pytest.raises(Exception) as caught:
            verify_signature(ctx, raw, headers, now=now)
        assert "tolerance" in str(caught.value.args) + repr(caught.value)
