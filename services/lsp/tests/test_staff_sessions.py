"""Staff sessions (issue 12): login throttled per (username, client) and per client, never per
username alone; every request reads the account, so deactivation, a removed role and logout
count from the next request; one answer for every failed login."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from services.lsp.db.models import Staff
from services.lsp.tests.support import Lsp, drive, running, settings_for
from services.lsp.usecases.context import LspContext
from services.lsp.usecases.staff import hash_password, issue_token
from shared.bus.envelope import utcnow
from shared.settings import DEV_PASSWORD

pytestmark = pytest.mark.usefixtures("siki")

TOKEN = "/api/v1/auth/token"
APPLICATIONS = "/api/v1/applications"


@pytest.fixture
async def lsp(sqlite_url: str) -> AsyncIterator[Lsp]:
    # No cache: each request reads the account (the cache has its own test below).
    async with running(settings_for(sqlite_url, staff_session_cache_seconds=0)) as instance:
        yield instance


@asynccontextmanager
async def from_address(lsp: Lsp, host: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the same app whose requests come from ``host``."""
    transport = httpx.ASGITransport(app=lsp.app, client=(host, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://lsp.test") as client:
        yield client


async def login(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post(TOKEN, data={"username": username, "password": password})


def ctx_of(lsp: Lsp) -> LspContext:
    ctx: LspContext = lsp.app.state.lsp
    return ctx


async def change_staff(lsp: Lsp, username: str, **values: Any) -> None:
    """What an update_staff does to the row: nothing else (no cache to clear, no token list)."""
    async with ctx_of(lsp).sessions() as session, session.begin():
        await session.execute(update(Staff).where(Staff.username == username).values(**values))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- throttle ------------------------------------------------------------------------------


async def test_brute_force_is_throttled_while_the_owner_logs_in_from_elsewhere(lsp: Lsp) -> None:
    async with from_address(lsp, "203.0.113.7") as attacker, from_address(lsp, "198.51.100.20") as owner:
        answers = [await login(attacker, "admin", f"tebakan-{n}") for n in range(25)]
        assert [r.status_code for r in answers[:5]] == [401] * 5
        assert {r.status_code for r in answers[5:]} == {429}
        refused = answers[-1]
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.json()["errors"][0]["field"] == "username"
        # The right password from the attacker's address waits too...
        assert (await login(attacker, "admin", DEV_PASSWORD)).status_code == 429
        # ...while the owner, from their own address, is not locked out.
        r = await login(owner, "admin", DEV_PASSWORD)
        assert r.status_code == 200, r.text
        r = await owner.get(APPLICATIONS, headers=bearer(r.json()["access_token"]))
        assert r.status_code == 200


async def test_one_client_trying_many_usernames_is_throttled(lsp: Lsp) -> None:
    async with from_address(lsp, "203.0.113.8") as sprayer, from_address(lsp, "198.51.100.21") as other:
        # One guess per username: no (username, client) counter fills, the per-client one does.
        answers = [await login(sprayer, f"user{n}", "Rahasia-123") for n in range(30)]
        assert {r.status_code for r in answers} == {401}
        r = await login(sprayer, "someone-else", "Rahasia-123")
        assert r.status_code == 429 and r.headers["retry-after"]
        assert (await login(sprayer, "admin", DEV_PASSWORD)).status_code == 429
        assert (await login(other, "admin", DEV_PASSWORD)).status_code == 200


async def test_a_successful_login_clears_the_count_for_that_username_and_client(lsp: Lsp) -> None:
    async with from_address(lsp, "198.51.100.22") as clumsy:
        for _ in range(4):
            assert (await login(clumsy, "asesor1", "salah")).status_code == 401
        assert (await login(clumsy, "asesor1", DEV_PASSWORD)).status_code == 200
        # Four more typos after a success are not the fifth to tenth of a series.
        for _ in range(4):
            assert (await login(clumsy, "asesor1", "salah")).status_code == 401
        assert (await login(clumsy, "asesor1", DEV_PASSWORD)).status_code == 200


async def test_every_failed_login_answers_the_same(lsp: Lsp) -> None:
    await change_staff(lsp, "asesor2", active=False)
    async with from_address(lsp, "198.51.100.23") as client:
        wrong = await login(client, "admin", "salah")
        unknown = await login(client, "tidak-ada", "salah")
        inactive = await login(client, "asesor2", DEV_PASSWORD)  # the right password, account off
    bodies = []
    for r in (wrong, unknown, inactive):
        assert r.status_code == 401
        assert r.headers["www-authenticate"] == "Bearer"
        body = r.json()
        body.pop("instance", None)
        body.pop("correlation_id", None)
        bodies.append(body)
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["errors"][0]["field"] == "password"


# --- sessions ------------------------------------------------------------------------------


async def test_a_deactivated_staff_token_is_refused_on_its_next_request(lsp: Lsp) -> None:
    token = await lsp.login("asesor1")
    assert (await lsp.client.get(APPLICATIONS, headers=bearer(token))).status_code == 200
    await change_staff(lsp, "asesor1", active=False)
    r = await lsp.client.get(APPLICATIONS, headers=bearer(token))
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["field"] == "Authorization"
    # Reactivated: the token works again unless the deactivation also ended its sessions (the
    # token version, what an update_staff deactivating someone bumps).
    await change_staff(lsp, "asesor1", active=True)
    assert (await lsp.client.get(APPLICATIONS, headers=bearer(token))).status_code == 200
    await change_staff(lsp, "asesor1", active=False, token_version=Staff.token_version + 1)
    await change_staff(lsp, "asesor1", active=True)
    assert (await lsp.client.get(APPLICATIONS, headers=bearer(token))).status_code == 401


async def test_a_removed_role_is_refused_on_its_next_request(lsp: Lsp) -> None:
    aid = await drive(lsp, "forwarded")
    token = await lsp.login("admin")
    assert (await lsp.client.get(f"{APPLICATIONS}/{aid}", headers=bearer(token))).status_code == 200
    await change_staff(lsp, "admin", roles=["asesor"])
    r = await lsp.client.post(f"{APPLICATIONS}/{aid}/verification", json={"decision": "accepted"},
                              headers=bearer(token))
    assert r.status_code == 403
    assert r.json()["required_role"] == ["admin"]
    # Without admin or komite, the same token no longer sees applications not assigned to it.
    assert (await lsp.client.get(f"{APPLICATIONS}/{aid}", headers=bearer(token))).status_code == 403
    assert (await lsp.client.get(APPLICATIONS, headers=bearer(token))).json()["items"] == []
    # Given back, the role counts at once too: the roles are the account's, not the token's.
    await change_staff(lsp, "admin", roles=["admin"])
    r = await lsp.client.post(f"{APPLICATIONS}/{aid}/verification", json={"decision": "accepted"},
                              headers=bearer(token))
    assert r.status_code == 200, r.text


async def test_logout_ends_the_accounts_tokens(lsp: Lsp) -> None:
    first = (await login(lsp.client, "admin", DEV_PASSWORD)).json()["access_token"]
    second = (await login(lsp.client, "admin", DEV_PASSWORD)).json()["access_token"]
    other = await lsp.login("komite")
    r = await lsp.client.post("/api/v1/auth/logout", headers=bearer(first))
    assert r.status_code == 204 and r.content == b""
    for token in (first, second):  # one version per account: every session of it ends
        r = await lsp.client.get(APPLICATIONS, headers=bearer(token))
        assert r.status_code == 401 and r.json()["errors"][0]["field"] == "Authorization"
    assert (await lsp.client.post("/api/v1/auth/logout", headers=bearer(first))).status_code == 401
    # Another account is untouched, and the admin can log in again.
    assert (await lsp.client.get(APPLICATIONS, headers=bearer(other))).status_code == 200
    fresh = (await login(lsp.client, "admin", DEV_PASSWORD)).json()["access_token"]
    assert (await lsp.client.get(APPLICATIONS, headers=bearer(fresh))).status_code == 200
    assert (await lsp.client.post("/api/v1/auth/logout")).status_code == 401


async def test_a_signed_token_for_an_account_that_does_not_exist_is_refused(lsp: Lsp) -> None:
    secret = lsp.settings.jwt_secret.get_secret_value()
    ghost = issue_token(username="hantu", token_version=1, lsp_code="LSP-A", secret=secret, ttl_seconds=60)
    r = await lsp.client.get(APPLICATIONS, headers=bearer(ghost))
    assert r.status_code == 401
    async with ctx_of(lsp).sessions() as session, session.begin():
        session.add(Staff(username="hantu", password_hash=await hash_password("Hantu-Baru-2026"), roles=["admin"],
                          active=True, created_at=utcnow()))
    assert (await lsp.client.get(APPLICATIONS, headers=bearer(ghost))).status_code == 200
    expired = issue_token(username="hantu", token_version=1, lsp_code="LSP-A", secret=secret, ttl_seconds=-5)
    r = await lsp.client.get(APPLICATIONS, headers=bearer(expired))
    assert r.status_code == 401 and "expired" in r.json()["detail"]
    forged = issue_token(username="hantu", token_version=1, lsp_code="LSP-A", secret="x" * 40, ttl_seconds=60)
    r = await lsp.client.get(APPLICATIONS, headers=bearer(forged))
    # The library's reason ("Signature verification failed") is not the caller's business.
    assert r.status_code == 401 and "signature" not in r.text.lower()


async def test_the_account_cache_bounds_how_long_a_deactivation_takes(sqlite_url: str) -> None:
    async with running(settings_for(sqlite_url, staff_session_cache_seconds=1.5)) as lsp:
        token = await lsp.login("asesor1")
        assert (await lsp.client.get(APPLICATIONS, headers=bearer(token))).status_code == 200
        await change_staff(lsp, "asesor1", active=False)
        # Within the cache's seconds the account read a moment ago still stands...
        assert (await lsp.client.get(APPLICATIONS, headers=bearer(token))).status_code == 200
        await asyncio.sleep(1.6)
        # ...and not a moment longer.
        assert (await lsp.client.get(APPLICATIONS, headers=bearer(token))).status_code == 401
        # A logout in this process counts at once, cache or not.
        admin = await lsp.login("admin")
        assert (await lsp.client.post("/api/v1/auth/logout", headers=bearer(admin))).status_code == 204
        assert (await lsp.client.get(APPLICATIONS, headers=bearer(admin))).status_code == 401



async def test_a_session_begun_in_another_replica_is_good_at_once(sqlite_url: str) -> None:
    """Another replica ended the sessions (the version moved in the database only) and the
    staff member logged in again: the new token is newer than the account this process read,
    so it is judged by a fresh read, not refused until the cache lapses."""
    async with running(settings_for(sqlite_url, staff_session_cache_seconds=600)) as lsp:
        old = await lsp.login("asesor1")
        assert (await lsp.client.get(APPLICATIONS, headers=bearer(old))).status_code == 200
        await change_staff(lsp, "asesor1", token_version=Staff.token_version + 1)
        lsp.tokens.pop("asesor1")  # log in again, not the token the helper kept
        fresh = await lsp.login("asesor1")
        assert (await lsp.client.get(APPLICATIONS, headers=bearer(fresh))).status_code == 200
        assert (await lsp.client.get(APPLICATIONS, headers=bearer(old))).status_code == 401

async def test_replicas_on_postgresql_share_the_counts_and_the_accounts(pg_url: str) -> None:
    settings = settings_for(pg_url, staff_session_cache_seconds=0)
    async with running(settings) as one, running(settings) as two:
        async with from_address(one, "203.0.113.9") as via_one, from_address(two, "203.0.113.9") as via_two:
            for n in range(3):
                assert (await login(via_one, "admin", f"tebakan-{n}")).status_code == 401
            for n in range(2):
                assert (await login(via_two, "admin", f"tebakan-{n}")).status_code == 401
            # The sixth guess, whichever replica takes it, waits.
            assert (await login(via_one, "admin", "tebakan-5")).status_code == 429
            assert (await login(via_two, "admin", DEV_PASSWORD)).status_code == 429
        token = await one.login("asesor1")
        assert (await two.client.get(APPLICATIONS, headers=bearer(token))).status_code == 200
        await change_staff(one, "asesor1", active=False)
        assert (await two.client.get(APPLICATIONS, headers=bearer(token))).status_code == 401
        # Both replicas appended to one chain (five failed logins, asesor1's and the admin's
        # logins; a refused 429 is not recorded), which still checks out.
        r = await two.client.get("/api/v1/audit-events/verification", headers=await two.as_("admin"))
        assert r.status_code == 200 and r.json() == {"ok": True, "checked": 7, "first_invalid_id": None}
