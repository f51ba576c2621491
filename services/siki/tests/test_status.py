"""report_status: the state machine (409), idempotency by report_id, the forwarded-first rule,
and the documents that travel with the last steps."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import respx

from services.siki.tests.conftest import WEBHOOK_A, Harness, eventually, report, running, submission
from shared.contracts.events import CERTIFICATE_DOWNLOADED


def _lsp_down(lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).mock(return_value=httpx.Response(503))


async def test_forwarded_first_409_and_idempotent_report(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    _lsp_down(lsp_http)  # the webhook never gets through: only the report proves delivery
    # The retry 5 s away (its cap too): the delivery stays "failed" until the redelivery below.
    async with running(make_settings(webhook_retry_base_seconds=5, webhook_retry_max_seconds=5,
                                     webhook_max_attempts=2)) as h:
        body = submission()
        app_id = body["id"]
        assert (await h.submit(body)).status_code == 202

        # invoiced is not allowed after forwarded: 409, and not even "forwarded" is recorded.
        r = await h.report(app_id, report("invoiced"))
        assert r.status_code == 409, r.text
        problem = r.json()
        assert problem["current_status"] == "submitted" and problem["allowed"] == ["accepted", "returned", "withdrawn"]
        assert "'invoiced'" in problem["detail"]
        assert [e["status"] for e in await h.timeline(app_id)] == ["submitted"]

        # Another LSP may not report on it, nor read its timeline.
        assert (await h.report(app_id, report("accepted"), headers=h.lsp_b)).status_code == 403
        tl = await h.client.get(f"/api/v1/applications/{app_id}/timeline", headers=h.lsp_b)
        assert tl.status_code == 403
        assert (await h.client.get(f"/api/v1/applications/{app_id}/timeline", headers=h.lsp_a)).status_code == 200

        first = report("accepted", report_id="rep-1", note="complete")
        r = await h.report(app_id, first)
        assert r.status_code == 200, r.text
        assert r.json() == {"application_id": app_id, "status": "accepted", "seq": 3, "report_id": "rep-1"}
        again = await h.report(app_id, first)
        assert again.status_code == 200 and again.json() == r.json()
        timeline = await h.timeline(app_id)
        assert [(e["seq"], e["status"], e["actor"]) for e in timeline] == [
            (1, "submitted", "applicant"), (2, "forwarded", "SIKI"), (3, "accepted", "LSP-A/admin")]

        # The portal-owned states are not the LSP's to report.
        r = await h.report(app_id, report("payment_uploaded"))
        assert r.status_code == 422 and r.json()["field"] == "status"

        events = await h.outbox("application.status_changed")
        assert [(e["seq"], e["status"], e["previous_status"]) for e in events] == [
            (1, "submitted", None), (2, "forwarded", "submitted"), (3, "accepted", "forwarded")]

        # The webhook getting through later does not forward it twice.
        lsp_http.post(WEBHOOK_A).mock(return_value=httpx.Response(200))
        (d,) = await h.deliveries(application_id=app_id)
        assert d["status"] == "failed"
        assert (await h.client.post(f"/api/v1/webhook-deliveries/{d['id']}/redeliver",
                                    headers=h.operator)).status_code == 202
        await eventually(lambda: _delivered(h, app_id), what="late delivery")
        assert len(await h.timeline(app_id)) == 3


async def _delivered(h: Harness, app_id: str) -> bool:
    (d,) = await h.deliveries(application_id=app_id)
    return bool(d["status"] == "delivered")


async def test_invoice_certificate_pdf_and_completion(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).mock(return_value=httpx.Response(200))
    async with running(make_settings()) as h:
        body = submission()
        app_id = body["id"]
        assert (await h.submit(body)).status_code == 202
        invoice = {"number": "INV-1", "amount": "1500000", "currency": "IDR",
                   "issued_at": datetime.now(UTC).isoformat(),
                   "due_date": (date.today() + timedelta(days=10)).isoformat()}  # a proof after it is refused
        steps: list[dict[str, Any]] = [report("accepted"), report("invoiced", invoice=invoice)]
        steps += [report(s) for s in ("payment_uploaded",)]
        assert (await h.report(app_id, steps[0])).status_code == 200
        assert (await h.report(app_id, steps[1])).status_code == 200
        proof = {"proof_no": 1, "uploaded_at": datetime.now(UTC).isoformat(),
                 "document": {"id": "d", "kind": "payment_proof", "sha256": "b" * 64,
                              "content_type": "image/png", "size": 3}}
        assert (await h.client.post(f"/api/v1/applications/{app_id}/payment-proofs", json=proof,
                                    headers=h.portal)).status_code == 202
        for s in ("payment_verified", "in_certification", "scheduled", "assessed", "competent", "skk_numbered",
                  "recorded"):
            assert (await h.report(app_id, report(s))).status_code == 200, s
        pdf = b"%PDF-1.7\n% e-certificate\n%%EOF\n"
        cert = {"skk_number": "SKK-1", "registration_number": "REG-1", "recording_number": "LPJK-1",
                "issued_on": date.today().isoformat(), "valid_until": "2031-11-29", "qr_payload": "qr"}
        bad = await h.report(app_id, report("certificate_issued", certificate=cert,
                                            certificate_pdf_base64=base64.b64encode(b"GIF89a").decode()))
        assert bad.status_code == 422
        r = await h.report(app_id, report("certificate_issued", certificate=cert,
                                          certificate_pdf_base64=base64.b64encode(pdf).decode()))
        assert r.status_code == 200, r.text
        got = await h.client.get(f"/api/v1/applications/{app_id}/certificate", headers=h.portal)
        assert got.status_code == 200 and got.content == pdf
        assert got.headers["content-type"] == "application/pdf"

        events = await h.outbox("application.status_changed")
        last = events[-1]
        assert last["status"] == "certificate_issued"
        assert last["certificate"]["skk_number"] == "SKK-1" and last["certificate"]["pdf_sha256"]
        assert last["invoice"]["number"] == "INV-1"
        assert next(e for e in events if e["status"] == "invoiced")["invoice"]["amount"] == "1500000"

        download = {"application_id": app_id, "user_id": "user-1", "at": datetime.now(UTC).isoformat()}
        await h.publish(CERTIFICATE_DOWNLOADED, download, app_id)
        await h.publish(CERTIFICATE_DOWNLOADED, download, app_id)  # a second download
        await eventually(lambda: _status_is(h, app_id, "completed"), what="completed")
        statuses = [e["status"] for e in await h.timeline(app_id)]
        assert statuses[-2:] == ["certificate_issued", "completed"] and statuses.count("completed") == 1


async def _status_is(h: Harness, app_id: str, status: str) -> bool:
    r = await h.client.get(f"/api/v1/applications/{app_id}/timeline", headers=h.operator)
    return bool(r.json()["status"] == status)
