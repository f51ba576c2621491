"""The LSP's public surface: pages capped, and error bodies that say what to fix without the
libraries' wording (JWT, Standard Webhooks, JSON, pydantic)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
from standardwebhooks import Webhook

from services.lsp.tests.support import Lsp, running, settings_for, signed, submission

pytestmark = pytest.mark.usefixtures("siki")

# What PyJWT, standardwebhooks, json and pydantic say; none of it belongs in an answer.
LIBRARY_WORDING = ("Signature verification failed", "Not enough segments", "Invalid header", "Expecting value",
                   "Traceback", "errors.pydantic.dev", "WebhookVerificationError", "DecodeError")


@pytest.fixture
async def lsp(sqlite_url: str) -> Any:
    async with running(settings_for(sqlite_url)) as instance:
        yield instance


def plain(text: str) -> bool:
    return not any(w in text for w in LIBRARY_WORDING)


async def test_list_applications_is_capped_and_paged(lsp: Lsp) -> None:
    for _ in range(7):
        assert (await lsp.webhook("application.submitted", submission())).status_code == 200
    admin = await lsp.as_("admin")

    too_big = await lsp.client.get("/api/v1/applications", params={"limit": 10_000}, headers=admin)
    assert too_big.status_code == 422 and too_big.json()["field"] == "limit"
    huge_offset = await lsp.client.get("/api/v1/applications", params={"offset": 2**63}, headers=admin)
    assert huge_offset.status_code == 422 and huge_offset.json()["field"] == "offset"

    first = (await lsp.client.get("/api/v1/applications", params={"limit": 5}, headers=admin)).json()
    assert len(first["items"]) == 5 and first["total"] == 7
    rest = (await lsp.client.get("/api/v1/applications", params={"limit": 5, "offset": 5}, headers=admin)).json()
    assert len(rest["items"]) == 2 and rest["total"] == 7
    # A stable order: the two pages together are every application once.
    assert len({a["id"] for a in first["items"] + rest["items"]}) == 7


async def test_list_schemes_is_capped(lsp: Lsp) -> None:
    assert (await lsp.client.get("/api/v1/schemes", params={"limit": 201})).json()["field"] == "limit"
    page = (await lsp.client.get("/api/v1/schemes", params={"limit": 5})).json()
    assert len(page["items"]) == 5 and page["total"] > 5


async def test_a_bad_webhook_signature_is_refused_in_plain_words(lsp: Lsp) -> None:
    raw, headers = signed("whsec_" + "QUJD" * 8, {"type": "application.submitted", "data": submission()})
    r = await lsp.client.post("/api/v1/webhooks/siki", content=raw, headers=headers)
    assert r.status_code == 401
    assert r.json()["field"] == "webhook-signature"
    assert plain(r.text), r.text


async def test_a_webhook_body_that_is_not_json_or_not_a_webhook_names_the_field(lsp: Lsp) -> None:
    secret = lsp.settings.siki_webhook_secret.get_secret_value()
    garbage, ts = "{not json", int(time.time())
    headers = {"webhook-id": "msg_garbage", "webhook-timestamp": str(ts), "content-type": "application/json",
               "webhook-signature": Webhook(secret).sign("msg_garbage", datetime.fromtimestamp(ts, UTC), garbage)}
    r = await lsp.client.post("/api/v1/webhooks/siki", content=garbage.encode(), headers=headers)
    assert r.status_code == 422, r.text
    assert r.json()["errors"] == [{"field": "body", "message": "not JSON"}]
    assert plain(r.text), r.text

    raw, headers = signed(secret, {"type": "application.exploded", "data": {}})
    r = await lsp.client.post("/api/v1/webhooks/siki", content=raw, headers=headers)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "type"
    assert plain(r.text), r.text


@pytest.mark.parametrize("token", [
    "not-a-token",
    "abc.def.ghi",
    # Well formed, signed with another secret: PyJWT says "Signature verification failed".
    jwt.encode({"sub": "admin", "roles": ["admin"], "lsp_code": "LSP-A", "aud": "lsp:LSP-A", "ver": 0,
                "typ": "staff", "iat": int(time.time()), "exp": int(time.time()) + 60},
               "another-secret-of-at-least-32-bytes!!", algorithm="HS256"),
])
async def test_a_malformed_or_forged_staff_token_gets_a_plain_answer(lsp: Lsp, token: str) -> None:
    r = await lsp.client.get("/api/v1/applications", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "log in again" in r.json()["detail"]
    assert plain(r.text), r.text
