"""create_issuance for a renewal (perpanjangan: a new SKK number) and a change (perubahan: the
same SKK number, a new registration number), both naming an SKK BNSP issued to the same NIK."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from services.bnsp_mock.db.models import Issuance
from services.bnsp_mock.tests.helpers import auth, plan, running

OTHER_NIK = "3171011708450009"


async def _count(app: Any) -> int:
    async with app.state.runtime.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(Issuance))).scalar_one())


async def _issue(client: httpx.AsyncClient, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
    r = await client.post("/api/v1/issuances", json=body, headers=auth())
    assert r.status_code == status, r.text
    return r.json()


async def test_a_change_keeps_the_skk_number_with_a_new_registration_number(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        held = await _issue(client, plan("app-1"))
        body = plan("app-2", full_name="Budi Santosa", application_kind="perubahan",
                    previous_skk_number=held["skk_number"])
        change = await _issue(client, body)
        assert change["skk_number"] == held["skk_number"]
        assert change["registration_number"] != held["registration_number"]
        assert (await _issue(client, body, 200)) == change  # idempotent per (lsp_code, application_id)
        # A second change of the same SKK keeps it again.
        again = await _issue(client, plan("app-3", full_name="Budi Santoso", application_kind="perubahan",
                                          previous_skk_number=held["skk_number"]))
        assert again["skk_number"] == held["skk_number"]
        assert len({held["registration_number"], change["registration_number"], again["registration_number"]}) == 3
        # A repeat that changes the kind is another plan.
        other = await client.post("/api/v1/issuances", json={**body, "application_kind": "perpanjangan"},
                                  headers=auth())
        assert other.status_code == 409 and other.json()["field"] == "application_kind"
        assert await _count(app) == 3


async def test_a_renewal_gets_a_new_skk_number(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        held = await _issue(client, plan("app-1"))
        renewal = await _issue(client, plan("app-2", application_kind="perpanjangan",
                                            previous_skk_number=held["skk_number"]))
        assert renewal["skk_number"] != held["skk_number"]
        assert renewal["skk_number"].startswith("SI012022.4.")
        # BNSP leaves the held SKK optional for a renewal (the LSP has it from SIKI's register).
        plain = await _issue(client, plan("app-3", application_kind="perpanjangan"))
        assert plain["skk_number"] not in (held["skk_number"], renewal["skk_number"])
        assert await _count(app) == 3


@pytest.mark.parametrize("kind", ["perpanjangan", "perubahan"])
async def test_the_held_skk_must_be_one_bnsp_issued_to_the_same_nik(sqlite_url: str, kind: str) -> None:
    async with running(sqlite_url) as (app, client):
        held = await _issue(client, plan("app-1"))
        others = await _issue(client, plan("app-9", nik=OTHER_NIK))
        for previous, over in ((None, {}), ("SI012022.4.2026.0999999", {}), (others["skk_number"], {}),
                               (held["skk_number"], {"nik": OTHER_NIK})):
            if previous is None and kind == "perpanjangan":
                continue  # optional for a renewal
            body = plan("app-2", application_kind=kind, previous_skk_number=previous, **over)
            r = await client.post("/api/v1/issuances", json=body, headers=auth())
            assert r.status_code == 422, r.text
            assert r.headers["content-type"].startswith("application/problem+json")
            assert [e["field"] for e in r.json()["errors"]] == ["previous_skk_number"]
            assert OTHER_NIK not in r.text
        assert await _count(app) == 2  # nothing stored on a refusal
        ok = await client.post("/api/v1/issuances", json=plan("app-2", application_kind=kind,
                                                             previous_skk_number=held["skk_number"]),
                               headers=auth())
        assert ok.status_code == 201, ok.text


@pytest.mark.postgres
async def test_a_change_reuses_the_skk_number_on_postgres(pg_url: str) -> None:
    async with running(pg_url) as (_, client):
        held = await _issue(client, plan("app-1"))
        change = await _issue(client, plan("app-2", full_name="Budi Santosa", application_kind="perubahan",
                                           previous_skk_number=held["skk_number"]))
        assert change["skk_number"] == held["skk_number"]
