"""Issue 11: a webhook secret rotation keeps the previous secret signing for a grace period (so
no in-flight delivery is lost while the LSP switches), and an inactive LSP's api key
authenticates nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx
from sqlalchemy import update
from standardwebhooks import Webhook, WebhookVerificationError

from services.siki.db.models import Lsp
from services.siki.domain.webhooks import signed_headers, signing_secrets
from services.siki.tests.conftest import Harness, eventually, report, running, submission

LSP_X: dict[str, Any] = {"code": "LSP-X", "name": "LSP Pihak Ketiga", "webhook_url": "https://lsp-x.example/hooks/siki",
         "jabatan_kerja_codes": ["SI012022"]}


class LspStillOnTheOldSecret:
    """LSP-X's receiver, configured with the secret it was registered with; down (503) until
    ``up``, so that a delivery is in flight (retrying) across the rotation."""

    def __init__(self, secret: str) -> None:
        self.webhook = Webhook(secret)
        self.up = False
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.up:
            return httpx.Response(503, text="maintenance")
        try:
            self.webhook.verify(request.content.decode(), dict(request.headers))
        except WebhookVerificationError:
            return httpx.Response(401, text="bad signature")
        return httpx.Response(200)


async def _register(h: Harness, **extra: Any) -> dict[str, Any]:
    r = await h.client.post("/api/v1/lsps", json={**LSP_X, **extra}, headers=h.operator)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_rotation_does_not_drop_an_in_flight_delivery(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    async with running(make_settings(webhook_max_attempts=200, webhook_retry_max_seconds=0.05)) as h:
        creds = await _register(h)
        lsp = LspStillOnTheOldSecret(creds["webhook_secret"])
        lsp_http.post(LSP_X["webhook_url"]).mock(side_effect=lsp)
        body = submission(lsp_code="LSP-X")
        assert (await h.submit(body)).status_code == 202

        async def tried() -> bool:
            return len(lsp.requests) >= 1

        await eventually(tried, what="a first attempt")
        rotated = (await h.client.post("/api/v1/lsps/LSP-X/rotate-secret", headers=h.operator)).json()
        assert rotated["previous_secret_until"] is not None
        until = datetime.fromisoformat(rotated["previous_secret_until"])
        assert timedelta(hours=23) < until - datetime.now(UTC) <= timedelta(hours=24)
        lsp.up = True  # the LSP is back, still verifying with the old secret

        async def delivered() -> bool:
            (d,) = await h.deliveries(application_id=body["id"])
            return d["status"] == "delivered"

        await eventually(delivered, what="delivery after the rotation")
        assert [t["status"] for t in await h.timeline(body["id"])] == ["submitted", "forwarded"]
    last = lsp.requests[-1]
    raw, headers = last.content.decode(), dict(last.headers)
    # Signed with both: the LSP may switch to the new secret at any time in the grace period.
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert Webhook(creds["webhook_secret"]).verify(raw, headers)["data"]["id"] == body["id"]
    assert Webhook(rotated["webhook_secret"]).verify(raw, headers)["data"]["id"] == body["id"]


async def test_grace_seconds_is_validated_and_changes_nothing_when_refused(make_settings: Any) -> None:
    async with running(make_settings()) as h:
        await _register(h)
        for bad in ("-1", str(8 * 86400), "soon"):
            r = await h.client.post("/api/v1/lsps/LSP-X/rotate-secret", params={"grace_seconds": bad},
                                    headers=h.operator)
            assert r.status_code == 422 and r.json()["field"] == "grace_seconds", r.text
        (x,) = [x for x in (await h.client.get("/api/v1/lsps", headers=h.operator)).json() if x["code"] == "LSP-X"]
        assert x["rotated_at"] is None and x["previous_secret_until"] is None


def test_signing_secrets_during_and_after_the_grace_period() -> None:
    now = datetime.now(UTC)
    assert signing_secrets("new", "old", now + timedelta(seconds=1), now) == ["new", "old"]
    assert signing_secrets("new", "old", now, now) == ["new"]
    assert signing_secrets("new", "old", (now + timedelta(hours=1)).replace(tzinfo=None), now) == ["new", "old"]
    assert signing_secrets("new", None, None, now) == ["new"]
    header = signed_headers(["whsec_" + "QUJD" * 11, "whsec_" + "REVG" * 11], "id-1", "{}")["webhook-signature"]
    assert [s.split(",")[0] for s in header.split(" ")] == ["v1", "v1"]


@pytest.mark.parametrize("path", ["status", "timeline", "eligibility"])
async def test_an_inactive_lsps_api_key_gets_401(make_settings: Any, lsp_http: respx.MockRouter, path: str) -> None:
    lsp_http.route(host="lsp-a.test").mock(return_value=httpx.Response(200))
    async with running(make_settings()) as h:
        creds = await _register(h, active=False)
        inactive = {"Authorization": f"Bearer {creds['api_key']}"}
        body = submission()
        assert (await h.submit(body)).status_code == 202

        async def forwarded() -> bool:
            return [t["status"] for t in await h.timeline(body["id"])] == ["submitted", "forwarded"]

        await eventually(forwarded, what="forwarded")
        # LSP-A is deactivated: its (dev) key stops working at once, on every operation.
        async with h.runtime.sessions() as s, s.begin():
            await s.execute(update(Lsp).where(Lsp.code == "LSP-A").values(active=False))
        for headers in (h.lsp_a, inactive):
            if path == "status":
                r = await h.report(body["id"], report("verified"), headers=headers)
            else:
                r = await h.client.get(f"/api/v1/applications/{body['id']}/{path}", headers=headers)
            assert r.status_code == 401, r.text
            assert r.headers["content-type"].startswith("application/problem+json")
        assert [t["status"] for t in await h.timeline(body["id"])] == ["submitted", "forwarded"]
        # Active again: the same key works (the check is the LSP's state, read on every call).
        async with h.runtime.sessions() as s, s.begin():
            await s.execute(update(Lsp).where(Lsp.code == "LSP-A").values(active=True))
        r = await h.client.get(f"/api/v1/applications/{body['id']}/timeline", headers=h.lsp_a)
        assert r.status_code == 200
