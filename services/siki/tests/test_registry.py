from __future__ import annotations

import base64
import os
from typing import Any

import httpx
import pytest
import respx
from pydantic import ValidationError
from standardwebhooks import Webhook, WebhookVerificationError

from services.siki.settings import SikiSettings
from services.siki.tests.conftest import eventually, running, submission
from shared.operators import dev_operator_jwt_secret
from shared.servicekeys import new_private_key_pem


async def test_register_list_rotate(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    captured: list[httpx.Request] = []

    def endpoint(request: httpx.Request) -> httpx.Response:
        captured.append(request)
        return httpx.Response(202)

    lsp_http.post("https://lsp-x.example/hooks/siki").mock(side_effect=endpoint)
    async with running(make_settings()) as h:
        new = {"code": "LSP-X", "name": "LSP Pihak Ketiga", "webhook_url": "https://lsp-x.example/hooks/siki",
               "jabatan_kerja_codes": ["SI012022"]}
        assert (await h.client.post("/api/v1/lsps", json=new, headers=h.portal)).status_code == 403
        r = await h.client.post("/api/v1/lsps", json=new, headers=h.operator)
        assert r.status_code == 201, r.text
        creds = r.json()
        assert creds["webhook_secret"].startswith("whsec_") and creds["api_key"]
        assert (await h.client.post("/api/v1/lsps", json=new, headers=h.operator)).status_code == 409
        bad = await h.client.post("/api/v1/lsps", json={**new, "code": "LSP-Y", "jabatan_kerja_codes": ["XX"]},
                                  headers=h.operator)
        assert bad.status_code == 422 and bad.json()["field"] == "jabatan_kerja_codes"

        listed = (await h.client.get("/api/v1/lsps", headers=h.portal)).json()
        assert [x["code"] for x in listed] == ["LSP-A", "LSP-B", "LSP-X"]
        assert all("webhook_secret" not in x and "api_key" not in x for x in listed)
        assert (await h.client.get("/api/v1/lsps", headers=h.lsp_a)).status_code == 403

        # The api key authenticates LSP-X; after rotation only the new one does.
        old_key = {"Authorization": f"Bearer {creds['api_key']}"}
        assert (await h.client.get("/api/v1/applications/none/timeline", headers=old_key)).status_code == 404
        # No grace period (a leaked secret): the old webhook secret stops signing at once too.
        rotated = (await h.client.post("/api/v1/lsps/LSP-X/rotate-secret", params={"grace_seconds": 0},
                                       headers=h.operator)).json()
        assert rotated["webhook_secret"] != creds["webhook_secret"] and rotated["api_key"] != creds["api_key"]
        assert (await h.client.get("/api/v1/applications/none/timeline", headers=old_key)).status_code == 401
        new_key = {"Authorization": f"Bearer {rotated['api_key']}"}
        assert (await h.client.get("/api/v1/applications/none/timeline", headers=new_key)).status_code == 404

        # LSP-X is licensed for SI012022 only; its webhooks are signed with the new secret.
        body = submission(lsp_code="LSP-X")
        assert (await h.submit(body)).status_code == 202
        refused = await h.submit(submission(lsp_code="LSP-X", jabatan_kerja_code="SI012001", jenjang=6))
        assert refused.status_code == 422
        assert "not licensed" in " ".join(e["message"] for e in refused.json()["errors"])

        async def delivered() -> bool:
            return len(captured) == 1

        await eventually(delivered, what="delivery to LSP-X")
    raw, headers = captured[0].content.decode(), dict(captured[0].headers)
    assert Webhook(rotated["webhook_secret"]).verify(raw, headers)["data"]["id"] == body["id"]
    with pytest.raises(WebhookVerificationError):
        Webhook(creds["webhook_secret"]).verify(raw, headers)


STRONG_SECRET = "siki-op-7Qf3xVb9Lm2Rt8Kp4Wz6Hn1Jc5Yd0GeUa"


def test_production_refuses_a_default_or_weak_operator_jwt_secret() -> None:
    # Issue 12: operators are people with accounts; their tokens are signed with this secret.
    key = new_private_key_pem()
    data: dict[str, Any] = {"data_keys": {"k1": base64.b64encode(os.urandom(32)).decode()},
                            "blind_index_key": base64.b64encode(os.urandom(32)).decode()}
    with pytest.raises(ValidationError, match="SKK_OPERATOR_JWT_SECRET \\(unset\\)"):
        SikiSettings(mode="production", service_signing_key_pem=key, **data)
    for published in (dev_operator_jwt_secret("siki"), dev_operator_jwt_secret("portal")):
        with pytest.raises(ValidationError, match="SKK_OPERATOR_JWT_SECRET \\(the published dev value\\)") as err:
            SikiSettings(mode="production", service_signing_key_pem=key, operator_jwt_secret=published, **data)
        assert published not in str(err.value)
    with pytest.raises(ValidationError, match="SKK_OPERATOR_JWT_SECRET \\(too weak"):
        SikiSettings(mode="production", service_signing_key_pem=key, operator_jwt_secret="o" * 40, **data)
    ok = SikiSettings(mode="production", service_signing_key_pem=key, operator_jwt_secret=STRONG_SECRET, **data)
    assert ok.operator_secret() == STRONG_SECRET
    # Dev mode signs with a secret derived from the service's name, never the empty string.
    assert SikiSettings().operator_secret() == dev_operator_jwt_secret("siki")
