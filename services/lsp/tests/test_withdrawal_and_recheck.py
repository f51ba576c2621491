"""The LSP's side of issue 11: ``application.withdrawn`` ends the application (final, idempotent,
staff actions and the deadline sweep pass it by) and the LSP re-checks the ownership limits at
SIKI on receipt (``check_application_eligibility``); an applicant SIKI finds not eligible cannot
be accepted. Every refusal is read back: nothing changed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import MutableMapping
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx

from services.lsp.tests.support import Lsp, drive, eligible, running, settings_for, signed, submission, tomorrow_at
from services.lsp.usecases.reports import applications_with_unsent_reports

PROBLEM = "application/problem+json"
REASON = "NIK ini sudah memiliki 5 permohonan yang sedang berjalan (PP 14/2021)"


@pytest.fixture
async def lsp(sqlite_url: str, siki_router: respx.MockRouter) -> Any:
    async with running(settings_for(sqlite_url)) as instance:
        yield instance


def not_eligible(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"application_id": request.url.path.split("/")[-2], "eligible": False,
                                     "reasons": [REASON]})


async def withdraw(lsp: Lsp, aid: str, **kw: Any) -> httpx.Response:
    return await lsp.webhook("application.withdrawn", {"application_id": aid, "reason": "pindah kerja"}, **kw)


# --- withdrawal ------------------------------------------------------------------------------


async def test_withdrawn_is_final_and_applied_once(lsp: Lsp, siki: respx.Route) -> None:
    aid = await drive(lsp, "invoiced")
    await lsp.wait_reports_sent(aid)
    reported = len(siki.calls)
    r = await withdraw(lsp, aid, webhook_id="msg_withdrawn_1")
    assert r.status_code == 200 and r.json()["outcome"] == "updated", r.text
    view = await lsp.get(aid)
    assert view["status"] == "withdrawn"
    last = view["timeline"][-1]
    assert last["status"] == "withdrawn" and last["actor"] == "SIKI" and "pindah kerja" in last["note"]
    assert "withdrawn" not in [x["status"] for x in view["reports"]]  # SIKI's own step: not reported back
    # Redelivered (same id) or sent again (new id): 200, nothing more happens.
    again = await withdraw(lsp, aid, webhook_id="msg_withdrawn_1")
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    other = await withdraw(lsp, aid)
    assert other.status_code == 200 and other.json()["outcome"] == "already received"
    assert await lsp.get(aid) == view
    assert len(siki.calls) == reported


async def test_staff_actions_on_a_withdrawn_application_are_refused(lsp: Lsp) -> None:
    aid = await drive(lsp, "forwarded")
    assert (await withdraw(lsp, aid)).status_code == 200
    before = await lsp.get(aid)
    attempts: list[tuple[str, dict[str, Any] | None, str]] = [
        ("verification", {"decision": "accepted"}, "admin"),
        ("verification", {"decision": "rejected", "reasons": ["KTP buram"]}, "admin"),
        ("payment-verification", {"decision": "valid"}, "admin"),
        ("start-certification", None, "admin"),
        ("schedule", {"assessor_username": "asesor1", "tuk_code": "TUK-A-01", "scheduled_at": tomorrow_at()},
         "admin"),
        ("decision", {"result": "kompeten"}, "komite"),
    ]
    for path, body, user in attempts:
        r = await lsp.post(aid, path, body, user)
        assert r.status_code == 409 and r.headers["content-type"].startswith(PROBLEM), (path, r.text)
        assert r.json()["field"] == "status" and r.json()["current_status"] == "withdrawn", path
    assert await lsp.get(aid) == before


async def test_the_deadline_sweep_passes_a_withdrawn_application_by(lsp: Lsp) -> None:
    aid = await drive(lsp, "invoiced")
    overdue = await drive(lsp, "invoiced")
    for sent in (aid, overdue):  # settled first: a report being sent meanwhile would change the view
        await lsp.wait_reports_sent(sent)
    assert (await withdraw(lsp, aid)).status_code == 200
    before = await lsp.get(aid)
    r = await lsp.client.post("/api/v1/deadline-sweep", json={"as_of": "2999-01-01"}, headers=await lsp.as_("admin"))
    assert r.status_code == 200 and r.json()["cancelled"] == [overdue]
    assert await lsp.get(aid) == before


async def test_withdrawal_after_a_decision_or_of_an_unknown_application_is_refused(lsp: Lsp) -> None:
    aid = await drive(lsp, "not_yet_competent")
    before = await lsp.wait_reports_sent(aid)  # settled: a report being sent would change the view
    r = await withdraw(lsp, aid)
    assert r.status_code == 409 and r.json()["current_status"] == "not_yet_competent"
    assert await lsp.get(aid) == before
    assert (await withdraw(lsp, "app-unknown")).status_code == 404
    r = await lsp.webhook("application.withdrawn", {"reason": "tanpa id"})
    assert r.status_code == 422 and r.json()["field"] == "data.application_id"


async def test_reports_siki_would_refuse_are_dropped_on_withdrawal(lsp: Lsp, siki: respx.Route) -> None:
    # SIKI unreachable meanwhile (a 4xx would mark them refused for good: test_completion.py).
    siki.return_value = httpx.Response(503)
    aid = await drive(lsp, "invoiced")  # accepted + invoiced: neither reaches SIKI
    assert aid in await applications_with_unsent_reports(lsp.app.state.lsp)
    assert (await withdraw(lsp, aid)).status_code == 200
    reports = (await lsp.get(aid))["reports"]
    assert [r["status"] for r in reports] == ["accepted", "invoiced"]
    assert all(r["sent_at"] is None and "withdrew" in r["last_error"] for r in reports)
    assert aid not in await applications_with_unsent_reports(lsp.app.state.lsp)


# --- re-check at SIKI ------------------------------------------------------------------------


async def test_not_eligible_is_recorded_and_cannot_be_accepted(lsp: Lsp, eligibility: respx.Route) -> None:
    eligibility.side_effect = not_eligible
    sub = submission()
    r = await lsp.webhook("application.submitted", sub)
    assert r.status_code == 200 and r.json()["outcome"] == "created"
    request = eligibility.calls.last.request
    assert request.url.path == f"/api/v1/applications/{sub['id']}/eligibility"
    assert request.headers["authorization"] == "Bearer " + lsp.settings.siki_api_key.get_secret_value()
    before = await lsp.get(sub["id"])
    assert before["eligibility"]["eligible"] is False and before["eligibility"]["reasons"] == [REASON]
    assert before["eligibility"]["submission_no"] == 1
    r = await lsp.post(sub["id"], "verification", {"decision": "accepted"}, "admin")
    assert r.status_code == 409 and r.headers["content-type"].startswith(PROBLEM), r.text
    assert r.json()["field"] == "eligibility" and REASON in r.json()["detail"]
    assert r.json()["reasons"] == [REASON]
    assert await lsp.get(sub["id"]) == before  # no step, no report, no invoice
    # Returning it to the applicant stays possible.
    r = await lsp.post(sub["id"], "verification", {"decision": "rejected", "reasons": ["batas kepemilikan"]}, "admin")
    assert r.status_code == 200 and r.json()["status"] == "returned"


async def test_siki_unreachable_at_receipt_is_checked_before_acceptance(lsp: Lsp, eligibility: respx.Route) -> None:
    eligibility.side_effect = httpx.ConnectError("SIKI down")
    sub = submission()
    r = await lsp.webhook("application.submitted", sub)
    assert r.status_code == 200 and r.json()["outcome"] == "created"  # the webhook is not lost
    before = await lsp.get(sub["id"])
    assert before["status"] == "forwarded" and before["eligibility"] is None
    calls = len(eligibility.calls)
    # Role and state refusals come first, without asking SIKI.
    r = await lsp.post(sub["id"], "verification", {"decision": "accepted"}, "komite")
    assert r.status_code == 403 and len(eligibility.calls) == calls
    # SIKI still down: the acceptance waits (503), nothing changed.
    r = await lsp.post(sub["id"], "verification", {"decision": "accepted"}, "admin")
    assert r.status_code == 503 and r.json()["field"] == "eligibility" and r.headers["retry-after"]
    assert await lsp.get(sub["id"]) == before
    # SIKI answers not eligible: refused; then eligible: accepted.
    eligibility.side_effect = not_eligible
    r = await lsp.post(sub["id"], "verification", {"decision": "accepted"}, "admin")
    assert r.status_code == 409 and r.json()["reasons"] == [REASON]
    assert (await lsp.get(sub["id"]))["status"] == "forwarded"
    # A check already made is not asked again until SIKI's answer is stale (a resubmission).
    eligibility.side_effect = eligible
    r = await lsp.post(sub["id"], "verification", {"decision": "accepted"}, "admin")
    assert r.status_code == 409


async def test_accepted_once_siki_answers(lsp: Lsp, eligibility: respx.Route) -> None:
    sub = submission()
    eligibility.side_effect = [httpx.ConnectError("SIKI down"),
                               httpx.Response(200, json={"application_id": sub["id"], "eligible": True, "reasons": []})]
    assert (await lsp.webhook("application.submitted", sub)).status_code == 200
    r = await lsp.post(sub["id"], "verification", {"decision": "accepted"}, "admin")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "invoiced" and r.json()["eligibility"]["eligible"] is True


async def test_a_resubmission_is_checked_again(lsp: Lsp, eligibility: respx.Route) -> None:
    aid = await drive(lsp, "returned")
    assert (await lsp.get(aid))["eligibility"]["eligible"] is True
    eligibility.side_effect = not_eligible
    r = await lsp.webhook("application.resubmitted", {**submission(aid, submission_no=2),
                                                      "submitted_at": datetime.now(UTC).isoformat()})
    assert r.status_code == 200 and r.json()["outcome"] == "updated"
    view = await lsp.wait_reports_sent(aid)  # the background sender is done: the view stays still
    assert view["eligibility"] == {**view["eligibility"], "eligible": False, "reasons": [REASON], "submission_no": 2}
    r = await lsp.post(aid, "verification", {"decision": "accepted"}, "admin")
    assert r.status_code == 409 and r.json()["field"] == "eligibility"
    assert await lsp.get(aid) == view
    assert json.loads(eligibility.calls.last.response.content)["eligible"] is False


async def test_the_answer_to_siki_does_not_wait_for_the_recheck(lsp: Lsp, eligibility: respx.Route) -> None:
    """SIKI's delivery of ``application.submitted`` (and so the application's forwarding) is
    answered before the LSP calls SIKI back: the re-check runs after the answer is sent."""
    sub = submission()
    body, headers = signed(lsp.settings.siki_webhook_secret.get_secret_value(),
                           {"type": "application.submitted", "timestamp": datetime.now(UTC).isoformat(), "data": sub})
    answered: list[int] = []
    asked_after_answer: list[bool] = []

    def at_siki(request: httpx.Request) -> httpx.Response:
        asked_after_answer.append(bool(answered))
        return eligible(request)

    eligibility.side_effect = at_siki
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": "/api/v1/webhooks/siki", "raw_path": b"/api/v1/webhooks/siki",
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 1), "server": ("test", 80),
             "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                         *((k.lower().encode(), v.encode()) for k, v in headers.items())]}
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answered.append(message["status"])

    await lsp.app(scope, receive, send)
    assert answered == [200]
    assert asked_after_answer == [True]
    assert (await lsp.get(sub["id"]))["eligibility"]["eligible"] is True


async def test_an_acceptance_during_the_recheck_waits_for_it_rather_than_asking_again(
        lsp: Lsp, eligibility: respx.Route) -> None:
    sub = submission()
    await lsp.as_("admin")  # logged in beforehand: the acceptance goes straight to its checks
    asked: list[str] = []
    answer = asyncio.Event()

    async def slow_siki(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        await answer.wait()
        return eligible(request)

    eligibility.side_effect = slow_siki
    receipt = asyncio.create_task(lsp.webhook("application.submitted", sub))
    while not asked:  # the receipt's re-check is waiting for SIKI
        await asyncio.sleep(0.01)
    acceptance = asyncio.create_task(lsp.post(sub["id"], "verification", {"decision": "accepted"}, "admin"))
    for _ in range(50):  # time enough for the acceptance to reach SIKI, were it to ask
        await asyncio.sleep(0.01)
    assert not acceptance.done()
    answer.set()
    assert (await receipt).status_code == 200
    r = await acceptance
    assert r.status_code == 200 and r.json()["status"] == "invoiced", r.text
    assert len(asked) == 1
