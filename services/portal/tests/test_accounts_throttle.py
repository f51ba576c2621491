"""Issue 12, throttling done right: an attacker guessing one account's password from one client
is slowed (429 with Retry-After, growing waits) while the owner, from another client, logs in at
once; a client guessing across many accounts is slowed too; nothing is keyed by the email alone."""

from __future__ import annotations

from pathlib import Path

from services.portal.tests.account_support import active_account, audit_actions, client_from, login
from services.portal.tests.factories import Portal, portal_settings, running_portal
from shared.throttle import Rule

PROBLEM = "application/problem+json"


async def test_brute_force_is_throttled_and_the_owner_still_logs_in(portal: Portal) -> None:
    owner = "owner@example.id"
    user_id = await active_account(portal, owner)
    async with client_from(portal, "203.0.113.7") as attacker, client_from(portal, "198.51.100.20") as home:
        answers = [await login(attacker, owner, f"Tebakan-{i:04d}") for i in range(8)]
        codes = [r.status_code for r in answers]
        assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}, codes
        throttled = answers[-1]
        assert throttled.headers["content-type"] == PROBLEM and throttled.json()["field"] == "username"
        assert 0 < int(throttled.headers["retry-after"]) <= 60
        # Throttled means not even the right password is tried from there (no oracle).
        assert (await login(attacker, owner)).status_code == 429

        # The owner, from home, is not slowed at all.
        r = await login(home, owner)
        assert r.status_code == 200, r.text
        assert (await home.get("/api/v1/applications",
                               headers={"Authorization": f"Bearer {r.json()['access_token']}"})).status_code == 200

    failed = [e for e in await audit_actions(portal) if e[0] == "account.login_failed"]
    assert len(failed) == 5 and {e[2] for e in failed} == {user_id} and {e[3] for e in failed} == {"203.0.113.7"}
    assert all(owner not in repr(e) for e in failed)


async def test_waits_grow_with_the_tiers(tmp_path: Path, sqlite_url: str) -> None:
    settings = portal_settings(tmp_path, sqlite_url, login_failures_per_account_client="3/minute;5/hour")
    async with running_portal(settings) as portal:
        email = "tiers@example.id"
        await active_account(portal, email)
        for _ in range(3):
            assert (await portal.login(email, "Salah-Tebak-123")).status_code == 401
        first = await portal.login(email, "Salah-Tebak-123")
        assert first.status_code == 429 and int(first.headers["retry-after"]) <= 60
        # The minute passes (its tier's counter cleared as its window would end): two more guesses
        # use up the hour's tier, and the wait is now the hour's.
        minute = Rule("portal-login-account-client", "3/minute")
        await portal.runtime.throttle.clear([minute], email, "127.0.0.1")
        for _ in range(2):
            assert (await portal.login(email, "Salah-Tebak-123")).status_code == 401
        later = await portal.login(email, "Salah-Tebak-123")
        assert later.status_code == 429 and 60 < int(later.headers["retry-after"]) <= 3600


async def test_a_success_clears_only_its_own_count(portal: Portal) -> None:
    email = "mine@example.id"
    await active_account(portal, email)
    async with client_from(portal, "203.0.113.7") as attacker:
        for _ in range(5):
            await login(attacker, email, "Salah-Tebak-123")
        # The owner's success from their own client does not lift the attacker's throttle.
        assert (await portal.login(email)).status_code == 200
        assert (await login(attacker, email, "Salah-Tebak-123")).status_code == 429


async def test_one_client_guessing_across_accounts_is_slowed(tmp_path: Path, sqlite_url: str) -> None:
    settings = portal_settings(tmp_path, sqlite_url, login_failures_per_client="6/minute")
    async with running_portal(settings) as portal:
        await active_account(portal, "target@example.id")
        async with client_from(portal, "203.0.113.9") as sprayer, client_from(portal, "198.51.100.1") as other:
            codes = [(await login(sprayer, f"user{i}@example.id", "Salah-Tebak-123")).status_code for i in range(8)]
            assert codes[:6] == [401] * 6 and set(codes[6:]) == {429}, codes
            # Per client: the same guesses from another address are answered normally.
            assert (await login(other, "target@example.id", "Salah-Tebak-123")).status_code == 401
            assert (await login(other, "target@example.id")).status_code == 200


async def test_a_password_change_guessing_the_current_password_is_throttled(portal: Portal) -> None:
    headers = await portal.applicant("change@example.id")
    body = {"current_password": "Bukan-Sandi-123", "password": "Sandi-Baru-2025", "password_repeat": "Sandi-Baru-2025"}
    codes = [(await portal.client.post("/api/v1/auth/password", headers=headers, json=body)).status_code
             for _ in range(6)]
    assert codes == [422] * 5 + [429], codes
