from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from sqlalchemy import func, select

from services.bnsp_mock.db.models import Issuance, NumberCounter
from services.bnsp_mock.tests.helpers import auth, plan, running
from shared.reference import get_reference

SKK_RE = re.compile(r"^SI012022\.4\.(\d{4})\.(\d{7})$")
REG_RE = re.compile(r"^BNSP/LSP-A/(\d{4})/(\d{7})$")


async def _count(app: object) -> int:
    runtime = app.state.runtime  # type: ignore[attr-defined]
    async with runtime.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(Issuance))).scalar_one())


async def test_issues_numbers_in_the_documented_format_and_repeats_them(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        first = await client.post("/api/v1/issuances", json=plan("app-1"), headers=auth())
        assert first.status_code == 201, first.text
        body = first.json()
        skk = SKK_RE.match(body["skk_number"])
        reg = REG_RE.match(body["registration_number"])
        assert skk and reg, body
        assert skk.group(2) == reg.group(2) == "0000001"

        again = await client.post("/api/v1/issuances", json=plan("app-1"), headers=auth())
        assert again.status_code == 200, again.text
        assert again.json()["skk_number"] == body["skk_number"]
        assert again.json()["registration_number"] == body["registration_number"]
        assert again.json()["issued_at"] == body["issued_at"]

        other = await client.post("/api/v1/issuances", json=plan("app-2"), headers=auth())
        assert other.status_code == 201
        assert other.json()["skk_number"] != body["skk_number"]
        assert other.json()["skk_number"].endswith(".0000002")
        assert await _count(app) == 2


async def test_a_repeat_with_other_facts_is_a_conflict_and_changes_nothing(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        first = await client.post("/api/v1/issuances", json=plan("app-1"), headers=auth())
        assert first.status_code == 201
        changed = await client.post("/api/v1/issuances", json=plan("app-1", full_name="Budi Santosa"),
                                    headers=auth())
        assert changed.status_code == 409, changed.text
        assert changed.headers["content-type"].startswith("application/problem+json")
        assert changed.json()["field"] == "full_name"
        assert "Santos" not in changed.text  # names the field, never echoes personal data
        # decided_at is metadata: a repeat with another instant still gets the same numbers.
        same = await client.post("/api/v1/issuances", json=plan("app-1", decided_at="2026-11-21T00:00:00Z"),
                                 headers=auth())
        assert same.status_code == 200
        assert same.json()["skk_number"] == first.json()["skk_number"]
        assert await _count(app) == 1


async def test_the_same_application_id_at_two_lsps_gets_two_issuances(sqlite_url: str) -> None:
    async with running(sqlite_url) as (_, client):
        a = await client.post("/api/v1/issuances", json=plan("app-1"), headers=auth())
        b = await client.post("/api/v1/issuances", json=plan("app-1", lsp_code="LSP-B"),
                              headers=auth("lsp:LSP-B"))
        assert a.status_code == b.status_code == 201
        assert a.json()["skk_number"] != b.json()["skk_number"]
        assert b.json()["registration_number"].startswith("BNSP/LSP-B/")


async def test_refuses_an_lsp_not_licensed_for_the_jabatan_kerja(sqlite_url: str) -> None:
    ref = get_reference()
    # A jabatan kerja LSP-A is licensed for and LSP-B is not (from the reference data).
    code = next(c for c in ref.lsps["LSP-A"]["jabatan_kerja_codes"]
                if not ref.lsp_licensed_for("LSP-B", c) and c in ref.jabatan_kerja)
    jk = ref.jabatan_kerja[code]
    klasifikasi = ref.subklasifikasi[jk["subklasifikasi_code"]]["klasifikasi_code"]
    body = plan("app-9", lsp_code="LSP-B", klasifikasi_code=klasifikasi, subklasifikasi_code=jk["subklasifikasi_code"],
                kualifikasi=jk["kualifikasi"], jabatan_kerja_code=code, jenjang=jk["jenjang"][0])
    async with running(sqlite_url) as (app, client):
        resp = await client.post("/api/v1/issuances", json=body, headers=auth("lsp:LSP-B"))
        assert resp.status_code == 403, resp.text
        assert resp.json()["field"] == "lsp_code"
        assert "not licensed" in resp.json()["detail"]
        assert await _count(app) == 0
        # The same plan from LSP-A, which is licensed, is issued.
        ok = await client.post("/api/v1/issuances", json={**body, "lsp_code": "LSP-A"}, headers=auth())
        assert ok.status_code == 201, ok.text


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"jenjang": 5}, "jenjang"),
        ({"subklasifikasi_code": "SI03"}, "jabatan_kerja_code"),
        ({"klasifikasi_code": "AR"}, "subklasifikasi_code"),
        ({"kualifikasi": "Ahli", "jenjang": 7}, "jenjang"),
        ({"jabatan_kerja_code": "XX999999"}, "jabatan_kerja_code"),
        ({"nik": "12345"}, "nik"),
        ({"jenjang": 10}, "jenjang"),
    ],
)
async def test_refuses_an_inconsistent_plan_naming_the_field(sqlite_url: str, over: dict[str, Any],
                                                             field: str) -> None:
    async with running(sqlite_url) as (app, client):
        resp = await client.post("/api/v1/issuances", json=plan("app-1", **over), headers=auth())
        assert resp.status_code == 422, resp.text
        assert field in [e["field"] for e in resp.json()["errors"]]
        assert await _count(app) == 0


async def test_only_the_lsp_itself_may_ask(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        no_token = await client.post("/api/v1/issuances", json=plan())
        assert no_token.status_code == 401
        wrong_audience = await client.post("/api/v1/issuances", json=plan(), headers=auth(audience="lpjk"))
        assert wrong_audience.status_code == 401
        other_lsp = await client.post("/api/v1/issuances", json=plan(), headers=auth("lsp:LSP-B"))
        assert other_lsp.status_code == 403
        assert other_lsp.json()["field"] == "lsp_code"
        not_an_lsp = await client.post("/api/v1/issuances", json=plan(), headers=auth("portal"))
        assert not_an_lsp.status_code == 403
        assert await _count(app) == 0


async def _concurrent_issuance(database_url: str) -> None:
    # 30 applications over two LSPs, 12 of them sent two or three times at once.
    requests = []
    for i in range(30):
        lsp = "LSP-A" if i % 2 else "LSP-B"
        requests.append((lsp, f"app-{i}"))
    requests += [("LSP-A" if i % 2 else "LSP-B", f"app-{i}") for i in range(0, 12)]
    requests += [("LSP-A" if i % 2 else "LSP-B", f"app-{i}") for i in range(0, 24, 4)]
    async with running(database_url) as (app, client):
        responses = await asyncio.gather(*[
            client.post("/api/v1/issuances", json=plan(a, lsp_code=lsp), headers=auth(f"lsp:{lsp}"))
            for lsp, a in requests
        ])
        assert all(r.status_code in (200, 201) for r in responses), [r.text for r in responses if r.status_code >= 300]
        assert sum(r.status_code == 201 for r in responses) == 30
        by_app: dict[tuple[str, str], set[tuple[str, str]]] = {}
        for (lsp, a), r in zip(requests, responses, strict=True):
            by_app.setdefault((lsp, a), set()).add((r.json()["skk_number"], r.json()["registration_number"]))
        # Idempotent: every repeat of an application got the same numbers ...
        assert all(len(v) == 1 for v in by_app.values())
        # ... and no two applications share a number.
        skks = [next(iter(v))[0] for v in by_app.values()]
        regs = [next(iter(v))[1] for v in by_app.values()]
        assert len(set(skks)) == len(set(regs)) == 30
        seqs = sorted(int(s.rsplit(".", 1)[1]) for s in skks)
        assert seqs == list(range(1, 31))  # no gaps either: a losing twin gives its value back
        runtime = app.state.runtime
        async with runtime.sessions() as s:
            assert int((await s.execute(select(func.count()).select_from(Issuance))).scalar_one()) == 30
            counters = (await s.execute(select(NumberCounter))).scalars().all()
            assert [c.value for c in counters] == [30]


async def test_numbers_are_unique_and_idempotent_under_concurrency_sqlite(sqlite_url: str) -> None:
    await _concurrent_issuance(sqlite_url)


@pytest.mark.postgres
async def test_numbers_are_unique_and_idempotent_under_concurrency_postgres(pg_url: str) -> None:
    await _concurrent_issuance(pg_url)


async def test_a_conflict_names_the_numbers_already_issued(sqlite_url: str) -> None:
    async with running(sqlite_url) as (_, client):
        first = await client.post("/api/v1/issuances", json=plan("app-1"), headers=auth())
        changed = await client.post("/api/v1/issuances", json=plan("app-1", nik="3171011708450002"),
                                    headers=auth())
        assert changed.status_code == 409, changed.text
        assert changed.json()["skk_number"] == first.json()["skk_number"]
        assert changed.json()["title"] == "Conflict"


def test_bnsp_publishes_and_consumes_nothing() -> None:
    from services.bnsp_mock.events import CONSUMES, PUBLISHES

    assert PUBLISHES == () and CONSUMES == ()
