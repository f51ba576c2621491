"""SIKI's (authoritative) deadlines: a proof of payment after the invoice's due date and an
appeal after the window are refused with the day named and nothing changes; a proof rejected by
the LSP is replaced until the due date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import respx

from services.siki.tests.conftest import WEBHOOK_A, Harness, report, running, submission
from services.siki.tests.test_ownership import JK, apply, decide
from shared.web.formats import today_jakarta  # due dates are days in Jakarta, ahead of UTC

REASON = "Asesor tidak menilai portofolio saya"


def invoice(due: date) -> dict[str, Any]:
    return {"number": "INV-1", "amount": "1500000", "currency": "IDR", "issued_at": datetime.now(UTC).isoformat(),
            "due_date": due.isoformat()}


def proof(no: int) -> dict[str, Any]:
    return {"proof_no": no, "uploaded_at": datetime.now(UTC).isoformat(),
            "document": {"id": f"d{no}", "kind": "payment_proof", "sha256": "b" * 64, "content_type": "image/png",
                         "size": 3}}


async def invoiced(h: Harness, due: date) -> str:
    body = submission()
    assert (await h.submit(body)).status_code == 202
    assert (await h.report(body["id"], report("accepted"))).status_code == 200
    assert (await h.report(body["id"], report("invoiced", invoice=invoice(due)))).status_code == 200
    return str(body["id"])


async def send_proof(h: Harness, app_id: str, no: int) -> httpx.Response:
    return await h.client.post(f"/api/v1/applications/{app_id}/payment-proofs", json=proof(no), headers=h.portal)


async def proof_deliveries(h: Harness, app_id: str) -> int:
    return sum(d["type"] == "payment.proof_uploaded" for d in await h.deliveries(application_id=app_id))


async def test_a_proof_after_the_due_date_is_refused_and_changes_nothing(make_settings: Any,
                                                                        lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        due = today_jakarta() - timedelta(days=1)
        app_id = await invoiced(h, due)
        before = await h.timeline(app_id)
        r = await send_proof(h, app_id, 1)
        assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["field"] == "invoice.due_date" and due.isoformat() in r.json()["detail"]
        assert r.json()["due_date"] == due.isoformat()
        assert await h.timeline(app_id) == before
        assert await proof_deliveries(h, app_id) == 0


async def test_a_rejected_proof_is_replaced_until_the_due_date(make_settings: Any,
                                                             lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        app_id = await invoiced(h, today_jakarta())  # due today: in time until the end of the day (WIB)
        assert (await send_proof(h, app_id, 1)).status_code == 202
        r = await h.report(app_id, report("payment_rejected", reasons=["Nominal transfer tidak sesuai"]))
        assert r.status_code == 200, r.text
        r = await send_proof(h, app_id, 2)
        assert r.status_code == 202, r.text
        assert r.json()["status"] == "payment_uploaded"
        assert [e["status"] for e in await h.timeline(app_id)][-3:] == [
            "payment_uploaded", "payment_rejected", "payment_uploaded"]
        assert await proof_deliveries(h, app_id) == 2


async def test_an_appeal_within_the_window_is_taken_and_after_it_refused(make_settings: Any,
                                                                        lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    # SKK_APPEAL_WINDOW_WORKING_DAYS=1: a decision now may be appealed; one two weeks ago may not.
    async with running(make_settings(appeal_window_working_days=1)) as h:
        fresh, old = apply(JK[0]), apply(JK[1])
        for body in (fresh, old):
            assert (await h.submit(body)).status_code == 202, body
        await decide(h, fresh["id"], "not_yet_competent")
        await decide(h, old["id"], "not_yet_competent", at=datetime.now(UTC) - timedelta(days=14))
        appeal = {"reason": REASON, "filed_at": datetime.now(UTC).isoformat()}

        before = await h.timeline(old["id"])
        r = await h.client.post(f"/api/v1/applications/{old['id']}/appeals", json=appeal, headers=h.portal)
        assert r.status_code == 409 and r.json()["field"] == "filed_at", r.text
        closed_on = r.json()["appeal_window_closed_on"]
        assert closed_on in r.json()["detail"] and date.fromisoformat(closed_on) < today_jakarta()
        assert await h.timeline(old["id"]) == before
        assert "appeal.filed" not in [d["type"] for d in await h.deliveries(application_id=old["id"])]

        r = await h.client.post(f"/api/v1/applications/{fresh['id']}/appeals", json=appeal, headers=h.portal)
        assert r.status_code == 202 and r.json()["status"] == "appealed", r.text
