"""The first download completes the application and sends ``application.completed`` to its LSP,
once (a second download, or a redelivered event, sends nothing more)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import respx

from services.siki.tests.conftest import WEBHOOK_A, Harness, eventually, report, running, submission
from shared.contracts.events import CERTIFICATE_DOWNLOADED
from shared.contracts.siki import CompletionWebhookData


async def issue_certificate(h: Harness) -> str:
    """An application carried to ``certificate_issued`` by LSP-A's reports."""
    body = submission()
    app_id = body["id"]
    assert (await h.submit(body)).status_code == 202
    invoice = {"number": "INV-1", "amount": "1500000", "currency": "IDR",
               "issued_at": datetime.now(UTC).isoformat(), "due_date": (date.today() + timedelta(days=10)).isoformat()}
    assert (await h.report(app_id, report("accepted"))).status_code == 200
    assert (await h.report(app_id, report("invoiced", invoice=invoice))).status_code == 200
    proof = {"proof_no": 1, "uploaded_at": datetime.now(UTC).isoformat(),
             "document": {"id": "d", "kind": "payment_proof", "sha256": "b" * 64, "content_type": "image/png",
                          "size": 3}}
    assert (await h.client.post(f"/api/v1/applications/{app_id}/payment-proofs", json=proof,
                                headers=h.portal)).status_code == 202
    for s in ("payment_verified", "in_certification", "scheduled", "assessed", "competent", "skk_numbered",
              "recorded"):
        assert (await h.report(app_id, report(s))).status_code == 200, s
    cert = {"skk_number": "SKK-9", "registration_number": "REG-9", "recording_number": "LPJK-9",
            "issued_on": date.today().isoformat(), "valid_until": "2031-11-29", "qr_payload": "qr"}
    pdf = base64.b64encode(b"%PDF-1.7\n%%EOF\n").decode()
    r = await h.report(app_id, report("certificate_issued", certificate=cert, certificate_pdf_base64=pdf))
    assert r.status_code == 200, r.text
    return app_id


def _completions(lsp_http: respx.MockRouter) -> list[dict[str, Any]]:
    bodies = [json.loads(c.request.content) for c in lsp_http.calls]
    return [b for b in bodies if b["type"] == "application.completed"]


async def test_download_sends_application_completed_once(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).mock(return_value=httpx.Response(200))
    async with running(make_settings()) as h:
        app_id = await issue_certificate(h)
        download = {"application_id": app_id, "user_id": "user-1", "at": datetime.now(UTC).isoformat()}
        await h.publish(CERTIFICATE_DOWNLOADED, download, app_id)
        await h.publish(CERTIFICATE_DOWNLOADED, download, app_id)  # a second download

        async def delivered() -> bool:
            found = [d for d in await h.deliveries(application_id=app_id) if d["type"] == "application.completed"]
            return bool(found) and found[0]["status"] == "delivered"

        await eventually(delivered, what="application.completed delivered")
        (sent,) = _completions(lsp_http)
        data = CompletionWebhookData.model_validate(sent["data"])
        assert data.application_id == app_id and data.skk_number == "SKK-9"
        statuses = [e["status"] for e in await h.timeline(app_id)]
        assert statuses[-1] == "completed" and statuses.count("completed") == 1
        completions = [d for d in await h.deliveries(application_id=app_id) if d["type"] == "application.completed"]
        assert len(completions) == 1 and completions[0]["lsp_code"] == "LSP-A"


async def test_download_before_issuance_sends_nothing(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).mock(return_value=httpx.Response(200))
    async with running(make_settings()) as h:
        body = submission()
        app_id = body["id"]
        assert (await h.submit(body)).status_code == 202
        await h.publish(CERTIFICATE_DOWNLOADED, {"application_id": app_id, "user_id": "user-1",
                                                 "at": datetime.now(UTC).isoformat()}, app_id)
        await eventually(lambda: _download_consumed(h), what="download consumed")
        await eventually(lambda: _submission_delivered(h, app_id), what="submission delivered")
        assert [d["type"] for d in await h.deliveries(application_id=app_id)] == ["application.submitted"]
        assert _completions(lsp_http) == []


async def _download_consumed(h: Harness) -> bool:
    from sqlalchemy import func, select

    from services.siki.db.models import InboxEntry

    async with h.runtime.sessions() as s:
        count = await s.scalar(select(func.count()).select_from(InboxEntry)
                               .where(InboxEntry.event_type == CERTIFICATE_DOWNLOADED))
    return bool(count)


async def _submission_delivered(h: Harness, app_id: str) -> bool:
    return any(d["status"] == "delivered" for d in await h.deliveries(application_id=app_id))
