"""Webhook delivery to the LSPs: signed (Standard Webhooks), retried through the bus with
backoff, dead-lettered past the bound, redelivered by an operator, one webhook-id throughout."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx
from standardwebhooks import Webhook, WebhookVerificationError

from services.siki.db import deliveries
from services.siki.domain.webhooks import new_webhook_secret, signed_headers
from services.siki.tests.conftest import WEBHOOK_A, Harness, eventually, report, running, submission
from services.siki.usecases.deliveries import attempt_delivery
from shared.devdefaults import dev_webhook_secret


class FlakyLsp:
    """An LSP endpoint that is down (503 or refusing connections) for its first ``down`` calls."""

    def __init__(self, down: int, *, refuse: bool = False) -> None:
        self.down = down
        self.refuse = refuse
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if len(self.requests) <= self.down:
            if self.refuse:
                raise httpx.ConnectError("connection refused", request=request)
            return httpx.Response(503, text="maintenance")
        return httpx.Response(200, json={"received": True})

    @property
    def webhook_ids(self) -> list[str]:
        return [r.headers["webhook-id"] for r in self.requests]


async def _delivery(h: Harness, app_id: str) -> dict[str, Any]:
    (d,) = await h.deliveries(application_id=app_id)
    return d


async def test_delivered_request_is_signed_for_the_lsp(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp = FlakyLsp(0)
    lsp_http.post(WEBHOOK_A).mock(side_effect=lsp)
    async with running(make_settings()) as h:
        body = submission()
        assert (await h.submit(body)).status_code == 202
        await eventually(lambda: _has_status(h, body["id"], "delivered"), what="delivery")
    (req,) = lsp.requests
    raw = req.content.decode()
    headers = dict(req.headers)
    payload = Webhook(dev_webhook_secret("LSP-A")).verify(raw, headers)
    assert payload["type"] == "application.submitted"
    assert payload["data"]["id"] == body["id"] and payload["data"]["nik"] == body["nik"]
    with pytest.raises(WebhookVerificationError):
        Webhook(dev_webhook_secret("LSP-B")).verify(raw, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_webhook_secret()).verify(raw, headers)


class ReferenceReceiver:
    """What an LSP's receiver does (docs/CONTRACTS.md): verify the signature and the 5-minute
    window, and answer a webhook-id it already processed again without a second effect."""

    def __init__(self, secret: str) -> None:
        self.webhook = Webhook(secret)
        self.effects: list[str] = []
        self.seen: set[str] = set()

    def receive(self, body: str, headers: dict[str, str]) -> int:
        try:
            self.webhook.verify(body, headers)
        except WebhookVerificationError:
            return 401
        if headers["webhook-id"] in self.seen:
            return 200
        self.seen.add(headers["webhook-id"])
        self.effects.append(json.loads(body)["type"])
        return 200


async def test_a_receiver_accepts_siki_signatures_and_refuses_forgeries(
    make_settings: Any, lsp_http: respx.MockRouter
) -> None:
    receiver = ReferenceReceiver(dev_webhook_secret("LSP-A"))
    captured: list[httpx.Request] = []

    def endpoint(request: httpx.Request) -> httpx.Response:
        captured.append(request)
        return httpx.Response(receiver.receive(request.content.decode(), dict(request.headers)))

    lsp_http.post(WEBHOOK_A).mock(side_effect=endpoint)
    async with running(make_settings()) as h:
        body = submission()
        assert (await h.submit(body)).status_code == 202
        await eventually(lambda: _has_status(h, body["id"], "delivered"), what="delivery")
    assert receiver.effects == ["application.submitted"]
    raw, headers = captured[0].content.decode(), dict(captured[0].headers)
    wid = headers["webhook-id"]
    # A wrong signature (tampered body, or another secret) is refused.
    assert receiver.receive(raw.replace("Budi", "Badu"), headers) == 401
    forged = signed_headers(new_webhook_secret(), "forged-id", raw)
    assert receiver.receive(raw, forged) == 401
    # A correctly signed but old message (outside 5 minutes) is refused.
    old = signed_headers(dev_webhook_secret("LSP-A"), "old-id", raw, now=datetime.now(UTC) - timedelta(minutes=6))
    assert receiver.receive(raw, old) == 401
    # A replayed id is answered without a second effect.
    assert receiver.receive(raw, headers) == 200
    assert receiver.receive(raw, signed_headers(dev_webhook_secret("LSP-A"), wid, raw)) == 200
    assert receiver.effects == ["application.submitted"]


async def test_lsp_down_then_back_is_delivered_once(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp = FlakyLsp(2)
    lsp_http.post(WEBHOOK_A).mock(side_effect=lsp)
    async with running(make_settings(webhook_max_attempts=5)) as h:
        body = submission()
        assert (await h.submit(body)).status_code == 202
        await eventually(lambda: _has_status(h, body["id"], "delivered"), what="delivery")
        d = await _delivery(h, body["id"])
        assert [a["status_code"] for a in d["attempts"]] == [503, 503, 200]
        assert [a["attempt_no"] for a in d["attempts"]] == [1, 2, 3]
        assert d["attempts"][0]["response_excerpt"] == "maintenance" and d["attempts"][0]["error"] == "HTTP 503"
        timeline = await h.timeline(body["id"])
        assert [e["status"] for e in timeline] == ["submitted", "forwarded"]
    assert lsp.webhook_ids == [d["id"]] * 3
    # The body is the same bytes on every attempt; only the timestamp and signature change.
    assert len({r.content for r in lsp.requests}) == 1


async def test_past_the_bound_dead_then_redelivered(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp = FlakyLsp(3, refuse=True)
    lsp_http.post(WEBHOOK_A).mock(side_effect=lsp)
    async with running(make_settings(webhook_max_attempts=3)) as h:
        body = submission()
        assert (await h.submit(body)).status_code == 202
        await eventually(lambda: _has_status(h, body["id"], "dead"), what="dead delivery")
        d = await _delivery(h, body["id"])
        assert len(d["attempts"]) == 3 and all(a["status_code"] is None for a in d["attempts"])
        assert "ConnectError" in d["attempts"][0]["error"]
        assert [x["id"] for x in await h.deliveries(status="dead")] == [d["id"]]
        assert [e["status"] for e in await h.timeline(body["id"])] == ["submitted"]
        # Only operators redeliver, and only a dead or failed delivery.
        url = f"/api/v1/webhook-deliveries/{d['id']}/redeliver"
        assert (await h.client.post(url, headers=h.portal)).status_code == 403
        r = await h.client.post(url, headers=h.operator)
        assert r.status_code == 202, r.text
        await eventually(lambda: _has_status(h, body["id"], "delivered"), what="redelivery")
        d = await _delivery(h, body["id"])
        assert d["redeliveries"] == 1 and [a["status_code"] for a in d["attempts"]] == [None, None, None, 200]
        assert (await h.client.post(url, headers=h.operator)).status_code == 409
        assert [e["status"] for e in await h.timeline(body["id"])] == ["submitted", "forwarded"]
    assert lsp.webhook_ids == [d["id"]] * 4


async def test_payment_proof_and_appeal_reach_the_lsp(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp = FlakyLsp(0)
    lsp_http.post(WEBHOOK_A).mock(side_effect=lsp)
    async with running(make_settings()) as h:
        body = submission()
        app_id = body["id"]
        assert (await h.submit(body)).status_code == 202
        proof = {"proof_no": 1, "uploaded_at": datetime.now(UTC).isoformat(),
                 "document": {"id": "doc-1", "kind": "payment_proof", "sha256": "a" * 64,
                              "content_type": "application/pdf", "size": 10}}
        url = f"/api/v1/applications/{app_id}/payment-proofs"
        r = await h.client.post(url, json=proof, headers=h.portal)
        assert r.status_code == 409 and r.json()["current_status"] == "submitted"
        for status in ("accepted", "invoiced"):
            assert (await h.report(app_id, report(status))).status_code == 200
        r = await h.client.post(url, json=proof, headers=h.portal)
        assert r.status_code == 202 and r.json()["status"] == "payment_uploaded"
        assert (await h.client.post(url, json=proof, headers=h.portal)).status_code == 202  # retried
        for status in ("payment_verified", "in_certification", "scheduled", "assessed", "not_yet_competent"):
            assert (await h.report(app_id, report(status))).status_code == 200, status
        appeal = {"reason": "The assessor did not look at my portfolio.", "filed_at": datetime.now(UTC).isoformat()}
        aurl = f"/api/v1/applications/{app_id}/appeals"
        assert (await h.client.post(aurl, json=appeal, headers=h.portal)).status_code == 202
        assert (await h.client.post(aurl, json=appeal, headers=h.portal)).status_code == 202  # retried
        await eventually(lambda: _all_delivered(h, app_id, 3), what="three deliveries")
        statuses = [e["status"] for e in await h.timeline(app_id)]
        assert statuses.count("payment_uploaded") == 1 and statuses.count("appealed") == 1
    types = [json.loads(r.content)["type"] for r in lsp.requests]
    assert sorted(types) == ["appeal.filed", "application.submitted", "payment.proof_uploaded"]
    proof_body = next(json.loads(r.content) for r in lsp.requests if b"payment.proof_uploaded" in r.content)
    assert proof_body["data"]["proof_no"] == 1 and proof_body["data"]["document"]["id"] == "doc-1"


async def _submitted_until(h: Harness, status: str) -> tuple[str, dict[str, Any]]:
    """A new application whose webhook delivery reached ``status``: its id and the delivery."""
    body = submission()
    assert (await h.submit(body)).status_code == 202
    await eventually(lambda: _has_status(h, body["id"], status), what=f"{status} delivery")
    return body["id"], await _delivery(h, body["id"])


async def _has_status(h: Harness, app_id: str, status: str) -> bool:
    ds = await h.deliveries(application_id=app_id)
    return bool(ds) and ds[0]["status"] == status


async def _all_delivered(h: Harness, app_id: str, n: int) -> bool:
    ds = await h.deliveries(application_id=app_id)
    return len(ds) == n and all(d["status"] == "delivered" for d in ds)


async def test_a_duplicate_request_event_sends_nothing_again(
    make_settings: Any, lsp_http: respx.MockRouter
) -> None:
    from shared.bus import InProcessBus
    from shared.contracts.events import WEBHOOK_REQUESTED

    lsp = FlakyLsp(0)
    lsp_http.post(WEBHOOK_A).mock(side_effect=lsp)
    async with running(make_settings()) as h:
        body = submission()
        assert (await h.submit(body)).status_code == 202
        await eventually(lambda: _has_status(h, body["id"], "delivered"), what="delivery")
        d = await _delivery(h, body["id"])
        for _ in range(2):  # the bus delivers at least once
            await h.publish(WEBHOOK_REQUESTED, {"delivery_id": d["id"]}, body["id"])
        assert isinstance(h.runtime.bus, InProcessBus)
        await h.runtime.bus.drain()
        assert len((await _delivery(h, body["id"]))["attempts"]) == 1
    assert len(lsp.requests) == 1


async def test_a_redelivery_racing_a_retrys_delivery_is_refused(make_settings: Any, lsp_http: respx.MockRouter,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """On SQLite, whose read locks nothing: the operator's read saw the delivery dead, a retry of
    the bus delivered it (emptying its body) before the redelivery wrote. The UPDATE checks the
    status again, so the redelivery is refused and the delivery stays delivered (CI, 2026-12-07:
    the redelivered event used to fail on the emptied body and be dead-lettered)."""
    lsp = FlakyLsp(1)
    lsp_http.post(WEBHOOK_A).mock(side_effect=lsp)
    async with running(make_settings(webhook_max_attempts=1)) as h:
        app_id, d = await _submitted_until(h, "dead")
        ctx: Any = h.app.state.siki_context
        read = deliveries.locked_summary

        async def read_then_delivered(s: Any, delivery_id: str) -> Any:
            row = await read(s, delivery_id)
            async with ctx.sessions() as other, other.begin():  # the retry's record, committed meanwhile
                await deliveries.update_delivery(other, delivery_id, {"status": "delivered", "body": None})
            return row

        monkeypatch.setattr(deliveries, "locked_summary", read_then_delivered)
        r = await h.client.post(f"/api/v1/webhook-deliveries/{d['id']}/redeliver", headers=h.operator)
        monkeypatch.undo()
        assert r.status_code == 409 and r.json()["field"] == "status", r.text
        again = await _delivery(h, app_id)
        assert again["status"] == "delivered" and again["redeliveries"] == 0 and len(again["attempts"]) == 1
    assert len(lsp.requests) == 1


class _NoPosting:
    async def post(self, url: str, body: str, headers: dict[str, str], addresses: Any = ()) -> Any:
        raise AssertionError("posted")

    def attempt_failed(self, lsp_code: str) -> None:
        raise AssertionError("counted a failure")


async def test_a_delivery_without_a_body_is_not_sent(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    """A delivery whose body was emptied (delivered) is never posted, whatever its status says."""
    lsp_http.post(WEBHOOK_A).mock(side_effect=FlakyLsp(1))
    async with running(make_settings(webhook_max_attempts=1)) as h:
        app_id, d = await _submitted_until(h, "dead")
        ctx: Any = h.app.state.siki_context
        async with ctx.sessions() as s, s.begin():
            await deliveries.update_delivery(s, d["id"], {"status": "pending", "body": None})
        await attempt_delivery(ctx, _NoPosting(), d["id"], attempt=1, last_attempt=False)
        assert len((await _delivery(h, app_id))["attempts"]) == 1
