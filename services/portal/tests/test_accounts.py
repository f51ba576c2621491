"""register, activate_account, login: the account's life through the API (issue 12 changed
register's answer to 202 without the account's id, and a login of a not-yet-activated account
to the same 401 as a wrong password)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
import jwt
from sqlalchemy import func, select

from services.portal.db.models import ActivationToken, User
from services.portal.security import mint_access_token
from services.portal.settings import DEV_JWT_SECRET
from services.portal.tests.factories import (
    PASSWORD,
    Portal,
    activation_token_from,
    portal_settings,
    running_portal,
)
from shared.servicekeys import new_private_key_pem

PROBLEM = "application/problem+json"


async def count_users(portal: Portal) -> int:
    async with portal.runtime.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(User))).scalar_one())


async def activate(portal: Portal, token: str, password: str = PASSWORD,
                   repeat: str | None = None) -> httpx.Response:
    return await portal.client.post("/api/v1/auth/activate", json={
        "token": token, "password": password, "password_repeat": password if repeat is None else repeat})


async def test_register_sends_a_link_that_activates_once(portal: Portal) -> None:
    r = await portal.register("Siti@Example.id", first_name="Siti")
    assert r.status_code == 202, r.text
    assert r.json()["email"] == "siti@example.id" and "id" not in r.json()
    mail = await portal.next_mail()
    assert b"siti@example.id" in mail and b"Aktivasi" in mail
    token = activation_token_from(mail)
    # The token is kept only as its hash.
    async with portal.runtime.sessions() as s:
        stored = (await s.execute(select(ActivationToken.token_hash))).scalars().all()
    assert token not in stored and len(stored) == 1

    # Unverified: login refused exactly like a wrong password (no password is set yet).
    r = await portal.login("siti@example.id")
    assert r.status_code == 401 and r.headers["content-type"] == PROBLEM
    assert r.json()["field"] == "password"

    r = await activate(portal, token)
    assert r.status_code == 200, r.text
    r = await portal.login("SITI@example.id")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 900
    claims = jwt.decode(body["access_token"], DEV_JWT_SECRET, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == 900

    # Reusing the link: refused, and the password set with it still works.
    r = await activate(portal, token, "AnotherPass-123")
    assert r.status_code == 410 and r.json()["field"] == "token"
    assert (await portal.login("siti@example.id", "AnotherPass-123")).status_code == 401
    assert (await portal.login("siti@example.id")).status_code == 200


async def test_activation_page_is_served(portal: Portal) -> None:
    r = await portal.client.get("/activate", params={"token": "x"})
    assert r.status_code == 200 and 'id="activate-form"' in r.text and 'name="token" value="x"' in r.text


async def test_expired_link_is_refused(tmp_path: Path, sqlite_url: str) -> None:
    async with running_portal(portal_settings(tmp_path, sqlite_url, activation_ttl_seconds=0)) as portal:
        assert (await portal.register("late@example.id")).status_code == 202
        token = activation_token_from(await portal.next_mail())
        r = await activate(portal, token)
        assert r.status_code == 410 and "expired" in r.json()["detail"]
        assert (await portal.login("late@example.id")).status_code == 401


async def test_unknown_link(portal: Portal) -> None:
    r = await activate(portal, "not-a-token")
    assert r.status_code == 422 and r.json()["field"] == "token"


async def test_weak_password_changes_nothing_and_link_stays_usable(portal: Portal) -> None:
    await portal.register("weak@example.id")
    token = activation_token_from(await portal.next_mail())
    for password, repeat, field in [("short1", "short1", "password"),
                                    ("onlyletterslong", "onlyletterslong", "password"),
                                    ("weak-pass-1234", "weak-pass-1234", "password"),
                                    ("Kuat-Sekali-99", "Kuat-Sekali-98", "password_repeat")]:
        r = await activate(portal, token, password, repeat)
        assert r.status_code == 422 and r.headers["content-type"] == PROBLEM, r.text
        assert r.json()["field"] == field
    assert (await portal.login("weak@example.id")).status_code == 401
    assert (await activate(portal, token)).status_code == 200


async def test_registration_refusals_create_nothing(portal: Portal) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"is_individual": False}, "is_individual"), ({"data_truth_consent": False}, "data_truth_consent"),
        ({"email": "not-an-email"}, "email"), ({"phone": "12"}, "phone"), ({"first_name": ""}, "first_name"),
        ({"first_name": "Budi\n\nAkun Anda DIBLOKIR. Verifikasi di http://evil.example"}, "first_name"),
        ({"last_name": "San\ttoso"}, "last_name"), ({"phone": "0812\n34567890"}, "phone"),
    ]
    for over, field in cases:
        r = await portal.register("company@example.id", **over)
        assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
        assert r.json()["field"] == field, r.json()
    r = await portal.client.post("/api/v1/auth/register", json={"email": "x@example.id"})
    assert r.status_code == 422 and r.json()["field"] in {"first_name", "last_name", "phone"}
    assert await count_users(portal) == 0
    await asyncio.sleep(0.2)  # time enough for a wrongly queued mail to be written
    assert not portal.mail_dir.exists() or not list(portal.mail_dir.glob("*.eml"))


async def test_registering_again_before_activation_keeps_the_old_link(portal: Portal) -> None:
    await portal.register("twice@example.id")
    old = activation_token_from(await portal.next_mail())
    assert (await portal.register("twice@example.id", first_name="Dua")).status_code == 202
    new = activation_token_from(await portal.next_mail())
    assert old != new
    # The link the owner already had still works; the newer one is void once the account is active.
    assert (await activate(portal, old)).status_code == 200
    r = await activate(portal, new)
    assert r.status_code == 410 and r.json()["field"] == "token"
    assert await count_users(portal) == 1
    # Once active, registering again answers the same; the owner is told by email.
    r = await portal.register("twice@example.id")
    assert r.status_code == 202 and r.json()["email"] == "twice@example.id"
    assert b"sudah terdaftar" in await portal.next_mail()


async def test_wrong_password_and_unknown_user(portal: Portal, applicant: dict[str, str]) -> None:
    r = await portal.login("nobody@example.id", "Whatever-123")
    assert r.status_code == 401 and r.headers["content-type"] == PROBLEM
    r = await portal.client.post("/api/v1/auth/token", data={"username": "x@example.id"})
    assert r.status_code == 422 and r.json()["field"] == "password"


async def test_failed_logins_are_throttled(portal: Portal) -> None:
    email = "slow@example.id"
    await portal.register(email)
    assert (await activate(portal, activation_token_from(await portal.next_mail()))).status_code == 200
    for _ in range(5):
        assert (await portal.login(email, "Wrong-pass-123")).status_code == 401
    r = await portal.login(email)
    assert r.status_code == 429 and r.headers["content-type"] == PROBLEM
    assert 0 < int(r.headers["retry-after"]) <= 60  # the first tier: five a minute
    # Another email is not affected.
    assert (await portal.login("other@example.id", "Wrong-pass-123")).status_code == 401


async def test_success_resets_the_failure_count(portal: Portal) -> None:
    email = "reset@example.id"
    await portal.register(email)
    await activate(portal, activation_token_from(await portal.next_mail()))
    for _ in range(4):
        await portal.login(email, "Wrong-pass-123")
    assert (await portal.login(email)).status_code == 200
    for _ in range(4):
        await portal.login(email, "Wrong-pass-123")
    assert (await portal.login(email)).status_code == 200


async def test_bearer_tokens_expire_and_garbage_is_refused(portal: Portal, applicant: dict[str, str]) -> None:
    assert (await portal.client.get("/api/v1/applications", headers=applicant)).status_code == 200
    user_id = jwt.decode(applicant["Authorization"].split()[1], options={"verify_signature": False})["sub"]
    expired = mint_access_token(user_id, secret=DEV_JWT_SECRET, ttl_seconds=900, now=time.time() - 3600)
    r = await portal.client.get("/api/v1/applications", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401 and "expired" in r.json()["detail"]
    forged = mint_access_token(user_id, secret="not-the-secret-at-all-000000000000", ttl_seconds=900)
    for headers in ({"Authorization": f"Bearer {forged}"}, {"Authorization": "Bearer garbage"}, {}):
        r = await portal.client.get("/api/v1/applications", headers=headers)
        assert r.status_code == 401 and r.headers["content-type"] == PROBLEM


async def test_tokens_die_after_their_ttl(tmp_path: Path, sqlite_url: str) -> None:
    # The clock is moved, not waited on: a loaded CI machine must not make the first call late.
    async with running_portal(portal_settings(tmp_path, sqlite_url, access_token_ttl_seconds=60)) as portal:
        headers = await portal.applicant()
        assert (await portal.client.get("/api/v1/notifications", headers=headers)).status_code == 200
        user_id = jwt.decode(headers["Authorization"].split()[1], options={"verify_signature": False})["sub"]
        stale = mint_access_token(user_id, secret=DEV_JWT_SECRET, ttl_seconds=60, now=time.time() - 61)
        fresh = mint_access_token(user_id, secret=DEV_JWT_SECRET, ttl_seconds=60, now=time.time() - 50)
        assert (await portal.client.get("/api/v1/notifications",
                                        headers={"Authorization": f"Bearer {fresh}"})).status_code == 200
        expired = await portal.client.get("/api/v1/notifications", headers={"Authorization": f"Bearer {stale}"})
        assert expired.status_code == 401 and expired.json()["field"] == "authorization"


def test_production_refuses_the_dev_jwt_secret(tmp_path: Path) -> None:
    import pytest

    from services.portal.settings import PortalSettings
    from shared.tests.datakeys import production_data_keys
    with pytest.raises(ValueError, match="SKK_JWT_SECRET"):
        PortalSettings(mode="production", service_signing_key_pem=new_private_key_pem())
    PortalSettings(mode="production", service_signing_key_pem=new_private_key_pem(),
                   jwt_secret="a-real-jwt-secret-0123456789abcdef",
                   # The portal's other secrets (operators' tokens, NIK binding hash).
                   operator_jwt_secret="o8R$wM3q-real-operator-secret-7yT5jV",
                   nik_binding_secret="n7Q#vL2p-real-binding-secret-9xZ4kW",
                   **production_data_keys())  # issue 12: personal data at rest
