"""fetch_application_document at SIKI (SPEC section 8, "Evidence"): the LSP an application was
submitted to (its api key) reads one of its documents, which SIKI fetches from the portal with
its own service token, naming the LSP; another LSP is answered as if the application did not
exist; every relay and every refusal is in SIKI's audit log; the portal's failures are told apart."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import pytest
import respx
from sqlalchemy import select

from services.siki.db.models import AuditEntry
from services.siki.tests.conftest import WEBHOOK_A, Harness, running, submission
from shared.auth import ServiceIdentity, ServiceTokenSigner
from shared.settings import ServiceSettings

PORTAL = "http://portal.test"
PORTAL_DOCS = r"^http://portal\.test/api/v1/internal/applications/(?P<app>[^/]+)/documents/(?P<doc>[^/?]+)(\?.*)?$"
PDF = b"%PDF-1.4\n% ktp\n%%EOF\n"
PROBLEM = "application/problem+json"


def portal_answer(request: httpx.Request, app: str, doc: str) -> httpx.Response:
    return httpx.Response(200, content=PDF, headers={
        "content-type": "application/pdf", "x-content-sha256": hashlib.sha256(PDF).hexdigest(),
        "x-document-kind": "ktp"})


@pytest.fixture
def portal(lsp_http: respx.MockRouter) -> respx.Route:
    lsp_http.post(WEBHOOK_A).mock(return_value=httpx.Response(200))
    return lsp_http.get(url__regex=PORTAL_DOCS).mock(side_effect=portal_answer)


@pytest.fixture
async def h(make_settings: Any, portal: respx.Route) -> Any:
    async with running(make_settings(portal_url=PORTAL, http_retries=0)) as harness:
        yield harness


async def submitted(h: Harness) -> str:
    body = submission()
    r = await h.submit(body)
    assert r.status_code == 202, r.text
    return str(body["id"])


async def fetch(h: Harness, app_id: str, doc_id: str = "doc-ktp", headers: dict[str, str] | None = None
                ) -> httpx.Response:
    return await h.client.get(f"/api/v1/applications/{app_id}/documents/{doc_id}",
                              headers=h.lsp_a if headers is None else headers)


async def audit(h: Harness, action: str) -> list[AuditEntry]:
    async with h.runtime.sessions() as s:
        return list((await s.execute(select(AuditEntry).where(AuditEntry.action == action)
                                     .order_by(AuditEntry.id))).scalars())


async def test_the_applications_lsp_gets_the_document_from_the_portal_with_sikis_key(
        h: Harness, portal: respx.Route) -> None:
    app_id = await submitted(h)
    r = await fetch(h, app_id)
    assert r.status_code == 200, r.text
    assert r.content == PDF and r.headers["content-type"] == "application/pdf"
    assert r.headers["cache-control"] == "no-store" and r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-document-kind"] == "ktp"
    asked = portal.calls.last.request
    assert asked.url.path == f"/api/v1/internal/applications/{app_id}/documents/doc-ktp"
    assert asked.url.params["lsp_code"] == "LSP-A"
    token = asked.headers["authorization"].split()[1]
    the_portal = ServiceIdentity.from_settings(ServiceSettings(service_name="portal"))
    assert the_portal.verify(token, "portal") == "siki"  # SIKI's own key, for the portal
    [entry] = await audit(h, "document.relayed")
    assert entry.actor == "lsp:LSP-A" and entry.application_id == app_id and entry.target_id == "doc-ktp"
    assert entry.detail["sha256"] == hashlib.sha256(PDF).hexdigest() and entry.detail["size"] == len(PDF)


async def test_another_lsp_is_answered_as_for_an_unknown_application(h: Harness, portal: respx.Route) -> None:
    app_id = await submitted(h)
    other = await fetch(h, app_id, headers=h.lsp_b)
    unknown = await fetch(h, "no-such-application", headers=h.lsp_b)
    assert other.status_code == unknown.status_code == 404 and other.headers["content-type"] == PROBLEM
    assert {k: v for k, v in other.json().items() if k != "instance"} == \
        {k: v for k, v in unknown.json().items() if k != "instance"}
    assert not portal.called  # the portal never hears of it
    refusals = await audit(h, "document.relay_refused")
    assert [(e.actor, e.detail["reason"]) for e in refusals] == [
        ("lsp:LSP-B", "application of another LSP"), ("lsp:LSP-B", "unknown application")]
    assert await audit(h, "document.relayed") == []


async def test_only_lsps_may_ask(h: Harness, portal: respx.Route) -> None:
    app_id = await submitted(h)
    for headers in (h.portal, h.operator, {"Authorization": f"Bearer {ServiceTokenSigner.dev('bnsp').token('siki')}"}):
        assert (await fetch(h, app_id, headers=headers)).status_code == 403
    assert (await fetch(h, app_id, headers={})).status_code == 401
    assert (await fetch(h, app_id, headers={"Authorization": "Bearer not-an-api-key"})).status_code == 401
    assert not portal.called


@pytest.mark.parametrize(("answer", "status", "words"), [
    (httpx.Response(404, json={"detail": "document not found"}), 404, "not found"),
    (httpx.Response(503), 503, "portal could not be reached"),
    (httpx.Response(500), 503, "portal could not be reached"),
    (httpx.ConnectError("refused"), 503, "portal could not be reached"),
    (httpx.Response(403, json={"detail": "no"}), 502, "refused"),
    (httpx.Response(200, content=b"other bytes", headers={"x-content-sha256": "0" * 64}), 502, "SHA-256"),
])
async def test_the_portals_failures(h: Harness, portal: respx.Route, answer: Any, status: int, words: str) -> None:
    app_id = await submitted(h)
    portal.mock(side_effect=answer) if isinstance(answer, Exception) else portal.mock(return_value=answer)
    r = await fetch(h, app_id)
    assert r.status_code == status and r.headers["content-type"] == PROBLEM, r.text
    assert words in r.json()["detail"] and r.json()["field"] == "document_id"
    [refused] = await audit(h, "document.relay_refused")
    assert refused.detail["reason"].startswith("portal: ")
