"""current_user: the token proves the applicant; the account's row is re-read at most once per
``user_recheck_seconds``, so an account that disappears loses access within that time."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import update

from services.portal.db.models import User
from services.portal.db.repositories import add_timeline
from services.portal.tests.factories import Portal, portal_settings, running_portal
from shared.exceptions import Unauthenticated


async def _deactivate(portal: Portal, headers: dict[str, str]) -> None:
    r = await portal.client.get("/api/v1/applications", headers=headers)
    assert r.status_code == 200
    async with portal.runtime.sessions() as s, s.begin():
        await s.execute(update(User).values(verified_at=None))


async def test_a_deactivated_account_is_refused_when_rechecked(tmp_path: Path, sqlite_url: str) -> None:
    async with running_portal(portal_settings(tmp_path, sqlite_url, user_recheck_seconds=0)) as portal:
        headers = await portal.applicant()
        await _deactivate(portal, headers)
        r = await portal.client.get("/api/v1/applications", headers=headers)
        assert r.status_code == 401 and r.json()["field"] == "authorization"


async def test_a_deactivated_account_keeps_access_only_until_the_recheck(tmp_path: Path, sqlite_url: str) -> None:
    async with running_portal(portal_settings(tmp_path, sqlite_url, user_recheck_seconds=600)) as portal:
        headers = await portal.applicant()
        await _deactivate(portal, headers)
        # Within the recheck window the earlier read stands (never longer than the token's TTL).
        assert (await portal.client.get("/api/v1/applications", headers=headers)).status_code == 200
        confirmed = portal.app.state.portal.confirmed_users
        assert confirmed.ttl == 600
        confirmed.forget_all()  # the window has passed
        assert (await portal.client.get("/api/v1/applications", headers=headers)).status_code == 401


def test_the_portal_records_only_its_own_steps_without_seq() -> None:
    class _Session:
        def add(self, _: object) -> None:
            return None

    from shared.bus import utcnow

    add_timeline(_Session(), "app", "submitted", utcnow(), "applicant")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="SELF_RECORDED"):
        add_timeline(_Session(), "app", "invoiced", utcnow(), "applicant")  # type: ignore[arg-type]


def count_decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tokens the portal decodes in full from now on (the cache of verified tokens misses)."""
    from services.portal import security

    decodes: list[str] = []
    decode = security.jwt.decode

    def counted(token: str, *args: object, **kwargs: object) -> object:
        decodes.append(token)
        return decode(token, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(security.jwt, "decode", counted)
    return decodes


def test_a_verified_token_is_not_decoded_again_until_it_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    """The applicant's polls send one token again and again: verified once, then only its expiry
    is checked; another secret, a tampered copy or the lapse of ``exp`` are refused as before."""
    from services.portal import security

    decodes = count_decodes(monkeypatch)
    secret = "s" * 32
    now = time.time()
    token = security.mint_access_token("user-1", secret=secret, ttl_seconds=60, now=now, version=3)
    assert [security.read_access_claims(token, secret=secret) for _ in range(3)] == [("user-1", 3)] * 3
    assert decodes == [token]
    with pytest.raises(Unauthenticated):
        security.read_access_claims(token, secret="t" * 32)
    with pytest.raises(Unauthenticated):
        security.read_access_claims(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1], secret=secret)
    assert security.read_access_claims(token, secret=secret) == ("user-1", 3)
    # A token whose exp passes while it is known: refused from then on.
    brief = security.mint_access_token("user-1", secret=secret, ttl_seconds=1, now=now, version=3)
    assert security.read_access_claims(brief, secret=secret) == ("user-1", 3)
    time.sleep(max(0.0, int(now) + 1 - time.time()) + 0.05)
    with pytest.raises(Unauthenticated, match="expired"):
        security.read_access_claims(brief, secret=secret)


def test_a_verified_token_is_kept_only_while_in_use(monkeypatch: pytest.MonkeyPatch) -> None:
    """A token answers from the cache for at most VERIFIED_FOR seconds after its verification, not
    for its whole lifetime: the cache holds the tokens in use (shared/lapsing.py)."""
    from services.portal import security

    decodes = count_decodes(monkeypatch)
    monkeypatch.setattr(security, "VERIFIED_FOR", 0.2)
    secret = "s" * 32
    token = security.mint_access_token("user-2", secret=secret, ttl_seconds=900, version=1)
    assert [security.read_access_claims(token, secret=secret) for _ in range(2)] == [("user-2", 1)] * 2
    assert decodes == [token]
    time.sleep(0.25)
    assert security.read_access_claims(token, secret=secret) == ("user-2", 1)  # verified afresh
    assert decodes == [token, token]
