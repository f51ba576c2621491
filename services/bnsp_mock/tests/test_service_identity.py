"""Issue 11, service identity at BNSP: only an LSP, with a token signed by its own key, asks for
numbers, and only for itself; every forgery is refused with nothing issued."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from services.bnsp_mock.db.models import Issuance
from services.bnsp_mock.tests.helpers import auth, plan, running
from shared.auth import ServiceTokenSigner
from shared.servicekeys import TrustedKeyEntry
from shared.tests.tokens import attacks, bearer


async def _count(app: object) -> int:
    async with app.state.runtime.sessions() as s:  # type: ignore[attr-defined]
        return int((await s.execute(select(func.count()).select_from(Issuance))).scalar_one())


@pytest.mark.parametrize("attack", sorted(attacks("bnsp")))
async def test_forged_service_tokens_get_401_and_issue_nothing(sqlite_url: str, attack: str) -> None:
    async with running(sqlite_url) as (app, client):
        for lsp_code in ("LSP-A", "LSP-B"):
            r = await client.post("/api/v1/issuances", json=plan(f"app-{lsp_code}", lsp_code=lsp_code),
                                  headers=bearer(attacks("bnsp")[attack]))
            assert r.status_code == 401, r.text
            assert r.headers["content-type"] == "application/problem+json"
        assert await _count(app) == 0
        # The LSP's own token still works.
        assert (await client.post("/api/v1/issuances", json=plan(), headers=auth())).status_code == 201


async def test_parties_other_than_lsps_get_403(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        for party in ("portal", "siki", "lpjk"):
            r = await client.post("/api/v1/issuances", json=plan(), headers=auth(party))
            assert r.status_code == 403, r.text
        assert await _count(app) == 0


async def test_a_rotated_second_key_of_the_lsp_is_accepted(sqlite_url: str) -> None:
    new = Ed25519PrivateKey.generate()
    entry = TrustedKeyEntry.of(new.public_key(), "lsp-a-2026", "lsp:LSP-A")
    async with running(sqlite_url, service_trusted_keys=[entry]) as (app, client):
        token = ServiceTokenSigner("lsp:LSP-A", new, "lsp-a-2026").token("bnsp")
        r = await client.post("/api/v1/issuances", json=plan("app-new"), headers=bearer(token))
        assert r.status_code == 201, r.text
        old = await client.post("/api/v1/issuances", json=plan("app-old"), headers=auth())
        assert old.status_code == 201, old.text  # the dev (old) key is still trusted beside it
        # The new key is LSP-A's: it does not speak for LSP-B.
        as_b = ServiceTokenSigner("lsp:LSP-B", new, "lsp-a-2026").token("bnsp")
        refused = await client.post("/api/v1/issuances", json=plan("app-b", lsp_code="LSP-B"), headers=bearer(as_b))
        assert refused.status_code == 401
        assert await _count(app) == 2


async def test_bnsp_publishes_its_public_key(sqlite_url: str) -> None:
    async with running(sqlite_url) as (_, client):
        r = await client.get("/.well-known/jwks.json")
    assert r.status_code == 200
    assert [(k["kid"], k["iss"], k["alg"]) for k in r.json()["keys"]] == [("dev:bnsp", "bnsp", "EdDSA")]
