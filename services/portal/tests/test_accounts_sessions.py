"""Issue 12, sessions: logout and password changes end tokens on their next request (the token
version, re-read within seconds), change_password needs the current password and keeps only the
session that made it."""

from __future__ import annotations

from pathlib import Path

import jwt
from sqlalchemy import update

from services.portal.db.models import User
from services.portal.tests.account_support import audit_actions, client_from, emails_to, login
from services.portal.tests.factories import PASSWORD, Portal, portal_settings, running_portal

NEW_PASSWORD = "Sandi-Baru-2025"
PROBLEM = "application/problem+json"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def applications(portal: Portal, headers: dict[str, str]) -> int:
    return (await portal.client.get("/api/v1/applications", headers=headers)).status_code


async def test_logout_ends_the_token_at_once(portal: Portal) -> None:
    headers = await portal.applicant("out@example.id")
    other = bearer((await portal.login("out@example.id")).json()["access_token"])  # a second device
    assert await applications(portal, headers) == 200 and await applications(portal, other) == 200
    r = await portal.client.post("/api/v1/auth/logout", headers=headers)
    assert r.status_code == 204 and r.content == b""
    r = await portal.client.get("/api/v1/applications", headers=headers)
    assert r.status_code == 401 and r.headers["content-type"] == PROBLEM and r.json()["field"] == "authorization"
    # Logout ends every session of the account (one token version per user).
    assert await applications(portal, other) == 401
    assert (await portal.client.post("/api/v1/auth/logout", headers=headers)).status_code == 401
    # Logging in again works and the new token is good.
    assert await applications(portal, bearer((await portal.login("out@example.id")).json()["access_token"])) == 200
    user_id = jwt.decode(headers["Authorization"].split()[1], options={"verify_signature": False})["sub"]
    assert ("account.logout", f"applicant:{user_id}") in [(a, actor) for a, actor, *_ in await audit_actions(portal)]


async def test_another_process_sees_a_logout_within_the_recheck(tmp_path: Path, sqlite_url: str) -> None:
    async with running_portal(portal_settings(tmp_path, sqlite_url, user_recheck_seconds=600)) as portal:
        headers = await portal.applicant("proc@example.id")
        assert await applications(portal, headers) == 200
        confirmed = portal.app.state.portal.confirmed_users
        assert confirmed.ttl == 600
        # A logout handled by another replica: the version moves in the database only.
        async with portal.runtime.sessions() as s, s.begin():
            await s.execute(update(User).values(token_version=User.token_version + 1))
        assert await applications(portal, headers) == 200  # the earlier read stands until the recheck
        confirmed.forget_all()  # the recheck is due
        assert await applications(portal, headers) == 401


async def test_a_session_begun_in_another_process_is_good_at_once(tmp_path: Path, sqlite_url: str) -> None:
    """A password reset and login handled by another replica: this process remembers the old
    version, and the new token (newer than that read) is judged by a fresh read, not refused.
    Found by the browser test of a reset with two portal processes."""
    async with running_portal(portal_settings(tmp_path, sqlite_url, user_recheck_seconds=600)) as portal:
        headers = await portal.applicant("replika@example.id")
        assert await applications(portal, headers) == 200  # version 0 remembered here
        async with portal.runtime.sessions() as s, s.begin():  # the other replica's reset
            await s.execute(update(User).values(token_version=User.token_version + 1))
        fresh = bearer((await portal.login("replika@example.id")).json()["access_token"])  # minted with version 1
        assert await applications(portal, fresh) == 200
        assert await applications(portal, headers) == 401  # and the fresh read ends the old one here too


async def test_change_password_keeps_this_session_and_ends_the_others(portal: Portal) -> None:
    email = "ganti@example.id"
    headers = await portal.applicant(email)
    other = bearer((await portal.login(email)).json()["access_token"])
    r = await portal.client.post("/api/v1/auth/password", headers=headers, json={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert r.status_code == 200, r.text
    fresh = bearer(r.json()["access_token"])
    assert await applications(portal, fresh) == 200
    assert await applications(portal, headers) == 401 and await applications(portal, other) == 401
    assert (await portal.login(email)).status_code == 401
    assert (await portal.login(email, NEW_PASSWORD)).status_code == 200
    assert "telah diganti" in (await emails_to(portal, email))[-1]["subject"]


async def test_change_password_refusals_change_nothing(portal: Portal) -> None:
    email = "tetap@example.id"
    headers = await portal.applicant(email)
    cases = [
        ({"current_password": "Bukan-Sandi-123", "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD},
         "current_password"),
        ({"current_password": PASSWORD, "password": "pendek1", "password_repeat": "pendek1"}, "password"),
        ({"current_password": PASSWORD, "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD + "x"},
         "password_repeat"),
        ({"current_password": PASSWORD, "password": PASSWORD, "password_repeat": PASSWORD}, "password"),
    ]
    for body, field in cases:
        r = await portal.client.post("/api/v1/auth/password", headers=headers, json=body)
        assert r.status_code == 422 and r.headers["content-type"] == PROBLEM, r.text
        assert r.json()["field"] == field
    assert await applications(portal, headers) == 200
    async with client_from(portal, "198.51.100.5") as elsewhere:
        assert (await login(elsewhere, email)).status_code == 200
    r = await portal.client.post("/api/v1/auth/password", json=cases[0][0])
    assert r.status_code == 401


