"""withdraw_application at SIKI: before a decision only, idempotent, the LSP told only if it has
the application, and a withdrawn application frees its place under the limits."""

from __future__ import annotations

import json
from typing import Any

import httpx
import respx

from services.siki.tests.conftest import WEBHOOK_A, Harness, eventually, report, running
from services.siki.tests.test_ownership import JK, apply, decide, refused_unchanged, submit_all


async def withdraw(h: Harness, app_id: str, reason: str | None = "saya pindah kerja",
                   headers: dict[str, str] | None = None) -> httpx.Response:
    return await h.client.post(f"/api/v1/applications/{app_id}/withdrawal", json={"reason": reason},
                               headers=headers or h.portal)


async def status_of(h: Harness, app_id: str) -> str:
    r = await h.client.get(f"/api/v1/applications/{app_id}/timeline", headers=h.operator)
    return str(r.json()["status"])


async def delivered(h: Harness, app_id: str, type_: str) -> bool:
    return any(d["type"] == type_ and d["status"] == "delivered" for d in await h.deliveries(application_id=app_id))


def webhook_bodies(route: respx.Route) -> list[dict[str, Any]]:
    return [json.loads(call.request.content) for call in route.calls]


async def test_withdrawal_frees_the_place_and_tells_the_lsp(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    route = lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        bodies = [apply(jk) for jk in JK[:5]]
        await submit_all(h, bodies)
        gone = bodies[2]["id"]
        await eventually(lambda: _is(h, gone, "forwarded"), what="forwarded")
        sixth = apply(JK[5])
        await refused_unchanged(h, sixth)

        # Only the portal withdraws, and an unknown application is 404.
        assert (await withdraw(h, gone, headers=h.lsp_a)).status_code == 403
        assert (await withdraw(h, "no-such-app")).status_code == 404
        r = await withdraw(h, gone)
        assert r.status_code == 202 and r.json() == {"id": gone, "status": "withdrawn", "lsp_code": "LSP-A"}
        again = await withdraw(h, gone, reason="lagi")
        assert again.status_code == 202 and again.json() == r.json()
        timeline = await h.timeline(gone)
        assert [(e["status"], e["actor"]) for e in timeline[-2:]] == [("forwarded", "SIKI"), ("withdrawn", "applicant")]
        assert [e["status"] for e in timeline].count("withdrawn") == 1 and timeline[-1]["note"] == "saya pindah kerja"

        await eventually(lambda: delivered(h, gone, "application.withdrawn"), what="withdrawal webhook")
        (notice,) = [b for b in webhook_bodies(route) if b["type"] == "application.withdrawn"]
        assert notice["data"] == {"application_id": gone, "reason": "saya pindah kerja"}

        # The LSP's reports after it are refused by the state machine, and nothing changes.
        r = await h.report(gone, report("accepted"))
        assert r.status_code == 409 and r.json()["current_status"] == "withdrawn", r.text
        assert (await h.report(gone, report("withdrawn"))).status_code == 422
        assert len(await h.timeline(gone)) == len(timeline)

        # Its place is free: the sixth goes through; and its jabatan kerja may be applied for again.
        assert (await h.submit(sixth)).status_code == 202
        await refused_unchanged(h, apply(JK[2]))  # now six in progress again: refused by the count only


async def test_no_withdrawal_after_the_decision(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        body = apply(JK[0])
        await submit_all(h, [body])
        await decide(h, body["id"], "competent")
        before = await h.timeline(body["id"])
        r = await withdraw(h, body["id"])
        assert r.status_code == 409 and r.json()["current_status"] == "competent", r.text
        assert await h.timeline(body["id"]) == before
        assert "application.withdrawn" not in [d["type"] for d in await h.deliveries(application_id=body["id"])]


async def test_withdrawn_before_the_lsp_has_it_is_told_after_the_submission(
    make_settings: Any, lsp_http: respx.MockRouter
) -> None:
    route = lsp_http.post(WEBHOOK_A).respond(503)
    async with running(make_settings(webhook_max_attempts=2)) as h:
        body = apply(JK[0])
        await submit_all(h, [body])
        app_id = body["id"]
        (submitted,) = await h.deliveries(application_id=app_id)
        assert (await withdraw(h, app_id)).status_code == 202
        # The LSP does not have it: no withdrawal webhook yet.
        assert [d["type"] for d in await h.deliveries(application_id=app_id)] == ["application.submitted"]

        # The submission's webhook gets through later: the withdrawal follows it, and the
        # application stays withdrawn (not forwarded).
        async def dead() -> bool:
            return (await h.deliveries(application_id=app_id))[0]["status"] == "dead"

        await eventually(dead, what="submission webhook dead")
        route.respond(204)
        assert (await h.client.post(f"/api/v1/webhook-deliveries/{submitted['id']}/redeliver",
                                    headers=h.operator)).status_code == 202
        await eventually(lambda: delivered(h, app_id, "application.withdrawn"), what="withdrawal webhook")
        types = [b["type"] for b in webhook_bodies(route)]
        assert types[-1] == "application.withdrawn" and "application.submitted" in types
        assert await status_of(h, app_id) == "withdrawn"
        assert [e["status"] for e in await h.timeline(app_id)] == ["submitted", "withdrawn"]


async def _is(h: Harness, app_id: str, status: str) -> bool:
    return await status_of(h, app_id) == status
