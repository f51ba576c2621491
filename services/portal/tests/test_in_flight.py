"""A command SIKI took while the portal died before recording it (usecases/in_flight.py): SIKI's
events move the application on, and the applicant's retry of the same request sends the very
same command again (same idempotency key, same body: SIKI answers it from its record) and is
answered as the first would have been, instead of "cannot ... while the application is ..."."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from services.portal.tests.factories import PDF_BYTES, PNG_BYTES, Portal
from services.portal.tests.test_after_submit import (
    PATH_TO_INVOICED,
    PATH_TO_NYC,
    SIKI,
    advance,
    get_app,
    submitted,
    upload_proof,
)


class Died(Exception):
    """The portal's process ending right after SIKI took the command (its answer never recorded)."""


def taken_then_died(calls: list[httpx.Request]) -> Any:
    def effect(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise Died()
        return httpx.Response(202, json={})  # SIKI's idempotency record answers the repeat
    return effect


async def died_during(call: Any) -> None:
    try:
        response = await call
    except Died:
        return
    assert response.status_code >= 500, response.text


def same_command(calls: list[httpx.Request]) -> None:
    assert len(calls) == 2
    first, again = calls
    assert again.headers["idempotency-key"] == first.headers["idempotency-key"]
    assert json.loads(again.content) == json.loads(first.content)


async def timeline_statuses(portal: Portal, headers: dict[str, str], app_id: str) -> list[str]:
    return [t["status"] for t in (await get_app(portal, headers, app_id))["timeline"]]


async def test_payment_proof_retried_after_the_portal_died(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    seq = await advance(portal, app_id, PATH_TO_INVOICED)
    calls: list[httpx.Request] = []
    with respx.mock:
        respx.post(f"{SIKI}/{app_id}/payment-proofs").mock(side_effect=taken_then_died(calls))
        await died_during(upload_proof(portal, applicant, app_id))
        await advance(portal, app_id, [("payment_uploaded", {})], seq)  # SIKI took it
        # Another file is another request: the application is past the step, so it is refused.
        other = await upload_proof(portal, applicant, app_id, PNG_BYTES)
        assert other.status_code == 409, other.text
        r = await upload_proof(portal, applicant, app_id)
    assert r.status_code == 201, r.text
    assert (r.json()["proof_no"], r.json()["status"]) == (1, "payment_uploaded")
    same_command(calls)
    assert r.json()["document"]["id"] == json.loads(calls[0].content)["document"]["id"]
    assert (await timeline_statuses(portal, applicant, app_id)).count("payment_uploaded") == 1
    # Settled: the next proof (after a rejection) is number 2, a new command.
    await advance(portal, app_id, [("payment_rejected", {"reasons": ["nominal kurang"]})], seq + 1)
    with respx.mock:
        route = respx.post(f"{SIKI}/{app_id}/payment-proofs").mock(return_value=httpx.Response(202, json={}))
        r = await upload_proof(portal, applicant, app_id, PDF_BYTES)
    assert r.status_code == 201 and r.json()["proof_no"] == 2
    assert route.calls.last.request.headers["idempotency-key"].startswith(f"{app_id}:proof:2.")


async def test_the_same_file_after_the_application_came_round_is_a_new_proof(
        portal: Portal, applicant: dict[str, str]) -> None:
    """SIKI took proof 1 (the portal died), then rejected it: the same file again is proof 2."""
    app_id = await submitted(portal, applicant)
    seq = await advance(portal, app_id, PATH_TO_INVOICED)
    calls: list[httpx.Request] = []
    with respx.mock:
        respx.post(f"{SIKI}/{app_id}/payment-proofs").mock(side_effect=taken_then_died(calls))
        await died_during(upload_proof(portal, applicant, app_id))
        await advance(portal, app_id, [("payment_uploaded", {}), ("payment_rejected", {"reasons": ["buram"]})], seq)
        r = await upload_proof(portal, applicant, app_id)
    assert r.status_code == 201, r.text
    assert r.json()["proof_no"] == 2
    assert json.loads(calls[1].content)["proof_no"] == 2


async def test_refused_by_siki_is_forgotten(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    await advance(portal, app_id, PATH_TO_INVOICED)
    with respx.mock:
        respx.post(f"{SIKI}/{app_id}/payment-proofs").mock(
            return_value=httpx.Response(409, json={"detail": "no"}))
        assert (await upload_proof(portal, applicant, app_id)).status_code == 409
    with respx.mock:
        route = respx.post(f"{SIKI}/{app_id}/payment-proofs").mock(return_value=httpx.Response(202, json={}))
        r = await upload_proof(portal, applicant, app_id)
    assert r.status_code == 201 and r.json()["proof_no"] == 1
    assert json.loads(route.calls.last.request.content)["proof_no"] == 1


async def test_submission_retried_after_the_portal_died(portal: Portal, applicant: dict[str, str]) -> None:
    app_id, _ = await portal.complete_draft(applicant)
    calls: list[httpx.Request] = []
    with respx.mock:
        respx.post(SIKI).mock(side_effect=taken_then_died(calls))
        await died_during(portal.client.post(f"/api/v1/applications/{app_id}/submit", headers=applicant))
        await advance(portal, app_id, [("submitted", {}), ("forwarded", {"lsp_code": "LSP-A"})])
        r = await portal.client.post(f"/api/v1/applications/{app_id}/submit", headers=applicant)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "forwarded"
    same_command(calls)
    assert (await timeline_statuses(portal, applicant, app_id)).count("submitted") == 1


@pytest.mark.parametrize("reason", ["Saya kompeten; mohon ditinjau ulang"])
async def test_appeal_retried_after_the_portal_died(portal: Portal, applicant: dict[str, str], reason: str) -> None:
    app_id = await submitted(portal, applicant)
    seq = await advance(portal, app_id, PATH_TO_INVOICED + PATH_TO_NYC)
    calls: list[httpx.Request] = []
    with respx.mock:
        respx.post(f"{SIKI}/{app_id}/appeals").mock(side_effect=taken_then_died(calls))
        appeal = {"reason": reason}
        await died_during(portal.client.post(f"/api/v1/applications/{app_id}/appeal", json=appeal,
                                             headers=applicant))
        await advance(portal, app_id, [("appealed", {})], seq)
        r = await portal.client.post(f"/api/v1/applications/{app_id}/appeal", json=appeal, headers=applicant)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "appealed"
    same_command(calls)
    assert (await timeline_statuses(portal, applicant, app_id)).count("appealed") == 1
