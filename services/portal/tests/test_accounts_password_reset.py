"""Issue 12, password reset (SPEC 8: request_password_reset, reset_password) end to end through a
real SMTP server (aiosmtpd): the emailed link sets the new password once; the old password and
every token minted before are refused afterwards."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from services.portal.db.models import PasswordResetToken
from services.portal.domain.accounts import hash_token
from services.portal.tests.account_support import audit_actions, emails_to, reset_token_in, user_row
from services.portal.tests.factories import (
    PASSWORD,
    Portal,
    activation_token_from,
    portal_settings,
    running_portal,
)
from services.portal.tests.test_email_smtp import Sink, smtp_sink, wait_for  # noqa: F401 (the fixture)
from shared.bus import utcnow

NEW_PASSWORD = "Sandi-Baru-2025"
PROBLEM = "application/problem+json"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def reset(portal: Portal, token: str, password: str = NEW_PASSWORD, repeat: str | None = None) -> int:
    r = await portal.client.post("/api/v1/auth/password-reset/confirm", json={
        "token": token, "password": password, "password_repeat": password if repeat is None else repeat})
    return r.status_code


async def test_password_reset_end_to_end_over_smtp(tmp_path: Path, sqlite_url: str,
                                                   smtp_sink: tuple[Sink, str]) -> None:  # noqa: F811
    sink, url = smtp_sink
    email = "lupa@example.id"
    async with running_portal(portal_settings(tmp_path, sqlite_url, smtp_url=url)) as portal:
        assert (await portal.register(email)).status_code == 202
        await wait_for(lambda: len(sink.messages) == 1)
        r = await portal.client.post("/api/v1/auth/activate", json={
            "token": activation_token_from(sink.messages[0][2]), "password": PASSWORD, "password_repeat": PASSWORD})
        assert r.status_code == 200, r.text
        old_session = bearer((await portal.login(email)).json()["access_token"])
        assert (await portal.client.get("/api/v1/applications", headers=old_session)).status_code == 200

        r = await portal.client.post("/api/v1/auth/password-reset", json={"email": email.upper()})
        assert r.status_code == 202
        await wait_for(lambda: len(sink.messages) == 2)
        _, rcpt, raw = sink.messages[1]
        assert rcpt == [email] and b"Atur ulang kata sandi" in raw
        token = reset_token_in(raw)
        # Only the token's hash is stored.
        async with portal.runtime.sessions() as s:
            stored = (await s.execute(select(PasswordResetToken.token_hash))).scalars().all()
        assert stored == [hash_token(token)]

        assert await reset(portal, token, "pendek1") == 422  # a weak password changes nothing...
        assert await reset(portal, token) == 200  # ...and the link still works once
        assert await reset(portal, token, "Lagi-Sandi-2026") == 410  # single use

        assert (await portal.login(email)).status_code == 401  # the old password is refused
        assert (await portal.login(email, NEW_PASSWORD)).status_code == 200
        r = await portal.client.get("/api/v1/applications", headers=old_session)
        assert r.status_code == 401 and r.json()["field"] == "authorization"  # old tokens too

        # The owner is told the password changed.
        await wait_for(lambda: len(sink.messages) == 3)
        assert b"telah diganti" in sink.messages[2][2] and sink.messages[2][1] == [email]
        user = await user_row(portal, email)
        assert user is not None
        actions = [(a, actor, target) for a, actor, target, *_ in await audit_actions(portal)]
        assert ("account.password_reset_requested", "public", user.id) in actions
        assert ("account.password_reset_done", f"applicant:{user.id}", user.id) in actions


async def test_expired_and_unknown_reset_links(portal: Portal) -> None:
    email = "kadaluarsa@example.id"
    await portal.applicant(email)
    assert (await portal.client.post("/api/v1/auth/password-reset", json={"email": email})).status_code == 202
    token = reset_token_in((await emails_to(portal, email))[-1]["body"])
    async with portal.runtime.sessions() as s, s.begin():
        await s.execute(update(PasswordResetToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    r = await portal.client.post("/api/v1/auth/password-reset/confirm",
                                 json={"token": token, "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert r.status_code == 410 and r.headers["content-type"] == PROBLEM and r.json()["field"] == "token"
    assert await reset(portal, "no-such-token") == 422
    assert (await portal.login(email)).status_code == 200  # nothing changed


async def test_a_newer_reset_link_leaves_the_earlier_one_usable(portal: Portal) -> None:
    email = "dua-kali@example.id"
    await portal.applicant(email)
    for _ in range(2):
        assert (await portal.client.post("/api/v1/auth/password-reset", json={"email": email})).status_code == 202
    first, second = (reset_token_in(m["body"]) for m in (await emails_to(portal, email))[-2:])
    assert await reset(portal, first) == 200
    assert await reset(portal, second, "Lagi-Sandi-2026") == 410  # using one voids the others
