"""Issue 11, SSRF through ``register_lsp``: production accepts only https webhook URLs whose host
resolves to public addresses, checked again before every delivery attempt (DNS answers
change), redirects are not followed, and the delivery log keeps a short excerpt only."""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence
from typing import Any

import httpx
import pytest
import respx

from services.siki.tests.conftest import WEBHOOK_A, Harness, running, submission
from shared.servicekeys import new_private_key_pem
from shared.tests.operators import add_operator

OPERATOR_JWT_SECRET = "siki-op-7Qf3xVb9Lm2Rt8Kp4Wz6Hn1Jc5Yd0GeUa"
PUBLIC_IP = "93.184.216.34"
LSP_X = {"code": "LSP-X", "name": "LSP Pihak Ketiga", "jabatan_kerja_codes": ["SI012022"]}
ATTACKS = [
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://127.0.0.1:5432/",
    "https://169.254.169.254/latest/meta-data/",
    "https://127.0.0.1:5432/",
    "https://internal.lsp.example.id/hooks",  # resolves to 10.0.0.7
    "https://[::ffff:169.254.169.254]/latest/meta-data/",
]


class FakeDns:
    """Answers the webhook URL rule's lookups (monkeypatched over the real resolver)."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        return self.answers.get(host, [])


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    fake = FakeDns({"lsp-x.example.id": [PUBLIC_IP], "internal.lsp.example.id": ["10.0.0.7"]})
    monkeypatch.setattr("services.siki.app.resolve_host", fake)
    return fake


async def _codes(h: Harness, headers: dict[str, str]) -> list[str]:
    r = await h.client.get("/api/v1/lsps", headers=headers)
    assert r.status_code == 200, r.text
    return [x["code"] for x in r.json()]


async def test_production_refuses_the_issue_urls_with_nothing_stored(make_settings: Any, dns: FakeDns) -> None:
    settings = make_settings(mode="production", service_signing_key_pem=new_private_key_pem(),
                             operator_jwt_secret=OPERATOR_JWT_SECRET,
                             data_keys={"k1": base64.b64encode(os.urandom(32)).decode()},
                             blind_index_key=base64.b64encode(os.urandom(32)).decode())
    assert settings.strict_webhook_urls
    async with running(settings) as h:
        operator = await add_operator(h.app, h.client, "registry@siki.example.id", ["registry"])
        assert await _codes(h, operator) == []  # production seeds no dev LSP
        for url in ATTACKS:
            r = await h.client.post("/api/v1/lsps", json={**LSP_X, "webhook_url": url}, headers=operator)
            assert r.status_code == 422, (url, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
            assert r.json()["field"] == "webhook_url", url
            assert await _codes(h, operator) == [], url
        # An https URL whose host resolves to public addresses is accepted.
        ok = await h.client.post("/api/v1/lsps", json={**LSP_X, "webhook_url": "https://lsp-x.example.id/hooks"},
                                 headers=operator)
        assert ok.status_code == 201, ok.text
        assert await _codes(h, operator) == ["LSP-X"]


async def test_dev_allows_loopback_http_but_not_the_metadata_endpoint(make_settings: Any, dns: FakeDns) -> None:
    async with running(make_settings()) as h:
        ok = await h.client.post("/api/v1/lsps", json={**LSP_X, "webhook_url": "http://127.0.0.1:8022/hooks"},
                                 headers=h.operator)
        assert ok.status_code == 201, ok.text
        r = await h.client.post("/api/v1/lsps", json={**LSP_X, "code": "LSP-Y", "webhook_url": ATTACKS[0]},
                                headers=h.operator)
        assert r.status_code == 422 and r.json()["field"] == "webhook_url"
        assert "link-local" in r.json()["errors"][0]["message"]
        assert await _codes(h, h.operator) == ["LSP-A", "LSP-B", "LSP-X"]


async def _register_x(h: Harness) -> None:
    r = await h.client.post("/api/v1/lsps", json={**LSP_X, "webhook_url": "https://lsp-x.example.id/hooks"},
                            headers=h.operator)
    assert r.status_code == 201, r.text


async def test_delivery_goes_to_the_checked_address(make_settings: Any, dns: FakeDns,
                                                    lsp_http: respx.MockRouter) -> None:
    pinned = lsp_http.post(f"https://{PUBLIC_IP}/hooks").mock(return_value=httpx.Response(200, text="ok"))
    async with running(make_settings(webhook_urls_public_only=True)) as h:
        await _register_x(h)
        body = submission(lsp_code="LSP-X")
        assert (await h.submit(body)).status_code == 202

        await h.delivery_when(body["id"], "delivered")
    (request,) = [c.request for c in pinned.calls]
    # Connected to the address just checked; the host and the TLS server name stay LSP-X's.
    assert request.headers["host"] == "lsp-x.example.id"
    assert request.extensions["sni_hostname"] == "lsp-x.example.id"


async def test_delivery_rechecks_the_url_and_sends_nothing_when_dns_changed(
    make_settings: Any, dns: FakeDns, lsp_http: respx.MockRouter
) -> None:
    public = lsp_http.post(f"https://{PUBLIC_IP}/hooks").mock(return_value=httpx.Response(200))
    private = lsp_http.route(host="10.0.0.9").mock(return_value=httpx.Response(200))
    by_name = lsp_http.route(host="lsp-x.example.id").mock(return_value=httpx.Response(200))
    async with running(make_settings(webhook_urls_public_only=True, webhook_max_attempts=2)) as h:
        await _register_x(h)  # resolves to a public address at registration
        dns.answers["lsp-x.example.id"] = ["10.0.0.9"]  # then the name is pointed inside
        body = submission(lsp_code="LSP-X")
        assert (await h.submit(body)).status_code == 202

        d = await h.delivery_when(body["id"], "dead")
        assert d["attempt_count"] == 2
        for attempt in d["attempts"]:
            assert attempt["status_code"] is None and attempt["response_excerpt"] is None
            assert attempt["error"].startswith(
                "webhook URL refused, nothing sent: lsp-x.example.id resolves to 10.0.0.9")
        timeline = await h.timeline(body["id"])
        assert [t["status"] for t in timeline] == ["submitted"]  # never forwarded
    assert not public.called and not private.called and not by_name.called


async def test_a_redirect_is_a_failed_attempt_and_not_followed(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    redirect = lsp_http.post(WEBHOOK_A).mock(return_value=httpx.Response(
        307, headers={"location": "http://169.254.169.254/latest/meta-data/"}, text="moved"))
    metadata = lsp_http.route(host="169.254.169.254").mock(return_value=httpx.Response(200, text="AKIA-SECRET"))
    async with running(make_settings(webhook_max_attempts=2)) as h:
        body = submission()
        assert (await h.submit(body)).status_code == 202

        d = await h.delivery_when(body["id"], "dead")
    assert redirect.call_count == 2 and not metadata.called
    assert [a["status_code"] for a in d["attempts"]] == [307, 307]
    assert all(a["error"] == "HTTP 307: redirects are not followed" for a in d["attempts"])
    assert "AKIA" not in str(d)


@pytest.mark.parametrize(("answer", "expected"), [
    (httpx.Response(200, text="x" * 10_000 + "TAIL"), "x" * 199 + "…"),
    (httpx.Response(200, content=b"\x89PNG\r\n\x1a\n" + b"\x00" * 5000), None),
    (httpx.Response(200, json={"received": True}), '{"received":true}'),
    (httpx.Response(200, text="é" * 300), "é" * 199 + "…"),
])
async def test_the_delivery_log_keeps_a_short_text_excerpt(make_settings: Any, lsp_http: respx.MockRouter,
                                                           answer: httpx.Response, expected: str | None) -> None:
    lsp_http.post(WEBHOOK_A).mock(return_value=answer)
    async with running(make_settings()) as h:
        body = submission()
        assert (await h.submit(body)).status_code == 202

        (attempt,) = (await h.delivery_when(body["id"], "delivered"))["attempts"]
    assert attempt["status_code"] == 200
    assert attempt["response_excerpt"] == expected
    assert expected is None or len(attempt["response_excerpt"]) <= 200
