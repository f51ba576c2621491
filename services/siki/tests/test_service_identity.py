"""Issue 11, service identity at SIKI: only the portal, with a token signed by the portal's own
key, submits and reads across LSPs; an LSP's token (its own, or forged) never passes for it."""

from __future__ import annotations

from typing import Any

import pytest
import respx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.siki.tests.conftest import NIK, WEBHOOK_A, Harness, running, submission
from shared.auth import ServiceTokenSigner
from shared.servicekeys import TrustedKeyEntry
from shared.tests.tokens import attacks, bearer


async def _nothing_for(h: Harness, app_id: str) -> None:
    """Read the state back: no application, no status event, nothing in progress for the NIK."""
    t = await h.client.get(f"/api/v1/applications/{app_id}/timeline", headers=h.operator)
    assert t.status_code == 404, t.text
    assert await h.outbox("application.status_changed") == []
    q = await h.client.post("/api/v1/skk/query", json={"nik": NIK}, headers=h.operator)
    assert q.json() == {"skk": [], "applications_in_progress": []}


@pytest.mark.parametrize("attack", sorted(attacks("siki")))
async def test_forged_service_tokens_get_401_and_change_nothing(make_settings: Any, attack: str) -> None:
    token = bearer(attacks("siki")[attack])
    async with running(make_settings()) as h:
        body = submission()
        r = await h.client.post("/api/v1/applications", json=body, headers=token)
        assert r.status_code == 401, r.text
        assert r.headers["content-type"] == "application/problem+json"
        for method, path, payload in (("POST", "/api/v1/skk/query", {"nik": NIK}), ("GET", "/api/v1/lsps", None),
                                      ("GET", f"/api/v1/applications/{body['id']}/timeline", None)):
            read = await h.client.request(method, path, json=payload, headers=token)
            assert read.status_code == 401, (path, read.text)
        await _nothing_for(h, body["id"])


async def test_an_lsp_with_its_own_valid_token_gets_403_on_the_portals_routes(
    make_settings: Any, lsp_http: respx.MockRouter
) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    own = bearer(ServiceTokenSigner.dev("lsp:LSP-A").token("siki"))
    async with running(make_settings()) as h:
        body = submission(nik="3171011708900002")
        for method, path, payload in (
            ("POST", "/api/v1/applications", submission()),
            ("POST", "/api/v1/skk/query", {"nik": NIK}),
            ("GET", "/api/v1/lsps", None),
        ):
            r = await h.client.request(method, path, json=payload, headers=own)
            assert r.status_code == 403, (path, r.text)
        await _nothing_for(h, "nothing")
        # Another party's timeline: not for an LSP's service token either (LSPs read their own
        # applications' timelines with their api key).
        assert (await h.submit(body)).status_code == 202
        r = await h.client.get(f"/api/v1/applications/{body['id']}/timeline", headers=own)
        assert r.status_code == 403, r.text


async def _bindings(h: Harness) -> tuple[list[tuple[str, str]], int]:
    from sqlalchemy import func, select

    from services.siki.db.models import NikBinding, NikBindingAudit

    async with h.runtime.sessions() as s:
        rows = [(b.nik, b.account_id) for b in (await s.execute(select(NikBinding))).scalars()]
        audits = (await s.execute(select(func.count()).select_from(NikBindingAudit))).scalar_one()
    return rows, int(audits)


async def test_no_lsp_token_withdraws_an_application_or_rebinds_a_nik(
    make_settings: Any, lsp_http: respx.MockRouter
) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    own = ServiceTokenSigner.dev("lsp:LSP-A").token("siki")
    async with running(make_settings()) as h:
        body = submission()
        assert (await h.submit(body)).status_code == 202
        before = await _bindings(h)
        for name, token in {**attacks("siki"), "LSP-A's own token": own}.items():
            expected = 403 if token == own else 401
            w = await h.client.post(f"/api/v1/applications/{body['id']}/withdrawal", json={"reason": "not me"},
                                    headers=bearer(token))
            assert w.status_code == expected, (name, w.text)
            r = await h.client.post("/api/v1/nik-bindings", json={"nik": NIK, "account_id": "attacker"},
                                    headers=bearer(token))
            assert r.status_code == expected, (name, r.text)
        # Read back: the binding and its audit trail as they were, the application not withdrawn.
        assert await _bindings(h) == before
        assert "withdrawn" not in [t["status"] for t in await h.timeline(body["id"])]


async def test_a_rotated_second_portal_key_is_accepted(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    new = Ed25519PrivateKey.generate()
    entry = TrustedKeyEntry.of(new.public_key(), "portal-2026", "portal")
    async with running(make_settings(service_trusted_keys=[entry])) as h:
        token = bearer(ServiceTokenSigner("portal", new, "portal-2026").token("siki"))
        body = submission()
        r = await h.client.post("/api/v1/applications", json=body, headers=token)
        assert r.status_code == 202, r.text
        t = await h.client.get(f"/api/v1/applications/{body['id']}/timeline", headers=h.portal)  # the old key
        assert t.status_code == 200 and t.json()["timeline"][0]["status"] == "submitted"


async def test_siki_publishes_its_public_key(make_settings: Any) -> None:
    async with running(make_settings()) as h:
        r = await h.client.get("/.well-known/jwks.json")
    assert r.status_code == 200
    assert [(k["kid"], k["iss"]) for k in r.json()["keys"]] == [("dev:siki", "siki")]
