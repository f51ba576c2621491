"""Issue 11, service identity at LPJK: only an LSP, with a token signed by its own key, records
SKK, and only its own; every forgery is refused with nothing recorded and no event staged."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from services.lpjk_mock.db.models import OutboxEvent, SkkRecord
from services.lpjk_mock.tests.helpers import auth, record_body, running
from shared.auth import ServiceTokenSigner
from shared.servicekeys import TrustedKeyEntry
from shared.tests.tokens import attacks, bearer


async def _counts(app: Any) -> tuple[int, int]:
    async with app.state.runtime.sessions() as s:
        records = (await s.execute(select(func.count()).select_from(SkkRecord))).scalar_one()
        events = (await s.execute(select(func.count()).select_from(OutboxEvent))).scalar_one()
    return int(records), int(events)


@pytest.mark.parametrize("attack", sorted(attacks("lpjk")))
async def test_forged_service_tokens_get_401_and_record_nothing(sqlite_url: str, attack: str) -> None:
    async with running(sqlite_url) as (app, client):
        for lsp_code in ("LSP-A", "LSP-B"):
            r = await client.post("/api/v1/records", json=record_body(lsp_code=lsp_code, application_id=lsp_code),
                                  headers=bearer(attacks("lpjk")[attack]))
            assert r.status_code == 401, r.text
        assert await _counts(app) == (0, 0)
        assert (await client.post("/api/v1/records", json=record_body(), headers=auth())).status_code == 201


async def test_parties_other_than_lsps_get_403(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        for party in ("portal", "siki", "bnsp"):
            r = await client.post("/api/v1/records", json=record_body(), headers=auth(party))
            assert r.status_code == 403, r.text
        assert await _counts(app) == (0, 0)


async def test_a_rotated_second_key_of_the_lsp_is_accepted(sqlite_url: str) -> None:
    new = Ed25519PrivateKey.generate()
    entry = TrustedKeyEntry.of(new.public_key(), "lsp-a-2026", "lsp:LSP-A")
    async with running(sqlite_url, service_trusted_keys=[entry]) as (app, client):
        token = ServiceTokenSigner("lsp:LSP-A", new, "lsp-a-2026").token("lpjk")
        r = await client.post("/api/v1/records", json=record_body(), headers=bearer(token))
        assert r.status_code == 201, r.text
        assert await _counts(app) == (1, 1)


async def test_lpjk_publishes_its_public_key(sqlite_url: str) -> None:
    async with running(sqlite_url) as (_, client):
        r = await client.get("/.well-known/jwks.json")
    assert r.status_code == 200
    assert [(k["kid"], k["iss"]) for k in r.json()["keys"]] == [("dev:lpjk", "lpjk")]
