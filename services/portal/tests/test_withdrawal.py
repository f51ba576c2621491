"""withdraw_application (SPEC section 8): through SIKI, recorded on the timeline, refused after a
decision; every refusal changes nothing (read back)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import respx

from services.portal.tests.factories import Portal, status_event

SIKI = "http://siki.test/api/v1/applications"
PROBLEM = "application/problem+json"


async def get_app(portal: Portal, headers: dict[str, str], app_id: str) -> dict[str, Any]:
    r = await portal.client.get(f"/api/v1/applications/{app_id}", headers=headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def submitted(portal: Portal, headers: dict[str, str]) -> str:
    app_id, _ = await portal.complete_draft(headers)
    with respx.mock:
        respx.post(SIKI).mock(return_value=httpx.Response(202, json={}))
        assert (await portal.client.post(f"/api/v1/applications/{app_id}/submit", headers=headers)).status_code == 200
    return app_id


async def withdraw(portal: Portal, headers: dict[str, str], app_id: str, answer: Any,
                   body: dict[str, Any] | None = None) -> tuple[httpx.Response, respx.Route]:
    with respx.mock:
        route = respx.post(f"{SIKI}/{app_id}/withdrawal")
        route.mock(side_effect=answer) if isinstance(answer, Exception) else route.mock(return_value=answer)
        r = await portal.client.post(f"/api/v1/applications/{app_id}/withdrawal", headers=headers, json=body)
    return r, route


ACCEPTED = httpx.Response(202, json={"id": "x", "status": "withdrawn", "lsp_code": "LSP-A"})


async def test_withdrawal_goes_through_siki_and_shows_on_the_timeline(portal: Portal,
                                                                       applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    await portal.feed(status_event(app_id, 1, "submitted"), status_event(app_id, 2, "forwarded", lsp_code="LSP-A"),
                      status_event(app_id, 3, "invoiced"))
    r, route = await withdraw(portal, applicant, app_id, ACCEPTED, {"reason": "Pindah kerja ke luar negeri"})
    assert r.status_code == 200, r.text
    app = r.json()
    assert app["status"] == "withdrawn"
    last = app["timeline"][-1]
    assert last["status"] == "withdrawn" and last["actor"] == "applicant" and "Pindah kerja" in last["note"]
    request = route.calls.last.request
    assert json.loads(request.content) == {"reason": "Pindah kerja ke luar negeri"}
    assert request.headers["idempotency-key"].startswith(f"{app_id}:withdrawal.")
    assert request.headers["authorization"].startswith("Bearer ")
    # SIKI's own event confirms the step rather than adding it twice, and the applicant is told.
    await portal.feed(status_event(app_id, 4, "withdrawn", actor="applicant"))
    app = await get_app(portal, applicant, app_id)
    assert [t["status"] for t in app["timeline"]].count("withdrawn") == 1
    notes = (await portal.client.get("/api/v1/notifications", headers=applicant)).json()
    assert any(n["status"] == "withdrawn" and "ditarik" in n["message"] for n in notes)
    # A repeat answers the application as it is, without asking SIKI again.
    before = await get_app(portal, applicant, app_id)
    r, route = await withdraw(portal, applicant, app_id, ACCEPTED)
    assert r.status_code == 200 and not route.called
    assert await get_app(portal, applicant, app_id) == before


async def test_without_a_body_or_a_reason(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    r, route = await withdraw(portal, applicant, app_id, ACCEPTED)
    assert r.status_code == 200, r.text
    assert json.loads(route.calls.last.request.content) == {"reason": None}
    assert r.json()["timeline"][-1]["note"] == "permohonan ditarik oleh pemohon"


async def test_refused_after_a_decision_and_for_a_draft(portal: Portal, applicant: dict[str, str]) -> None:
    draft = await portal.draft(applicant)
    app_id = await submitted(portal, applicant)
    steps = ["submitted", "forwarded", "accepted", "invoiced", "payment_uploaded", "payment_verified",
             "in_certification", "scheduled", "assessed", "competent"]
    await portal.feed(*(status_event(app_id, i, s, lsp_code="LSP-A") for i, s in enumerate(steps, start=1)))
    for target in (draft, app_id):
        before = await get_app(portal, applicant, target)
        r, route = await withdraw(portal, applicant, target, ACCEPTED)
        assert r.status_code == 409 and r.headers["content-type"] == PROBLEM and r.json()["field"] == "status"
        assert not route.called
        assert await get_app(portal, applicant, target) == before


async def test_siki_refusing_or_unreachable_changes_nothing(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    before = await get_app(portal, applicant, app_id)
    for answer, status in [(httpx.Response(409, json={"detail": "the LSP decided already"}), 409),
                           (httpx.Response(503), 503), (httpx.ConnectError("down"), 503)]:
        r, route = await withdraw(portal, applicant, app_id, answer)
        assert r.status_code == status and r.headers["content-type"] == PROBLEM, r.text
        assert route.called
        assert await get_app(portal, applicant, app_id) == before
    r, _ = await withdraw(portal, applicant, app_id, ACCEPTED, {"reason": "x" * 501})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    assert await get_app(portal, applicant, app_id) == before


async def test_another_applicants_application_is_not_found(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    other = await portal.applicant()
    before = await get_app(portal, applicant, app_id)
    r, route = await withdraw(portal, other, app_id, ACCEPTED)
    assert r.status_code == 404 and r.json()["field"] == "application_id" and not route.called
    assert await get_app(portal, applicant, app_id) == before
