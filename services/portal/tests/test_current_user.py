"""current_user: the token proves the applicant; the account's row is re-read at most once per
``user_recheck_seconds``, so an account that disappears loses access within that time."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from services.portal.api.deps import ConfirmedUsers
from services.portal.db.models import User
from services.portal.db.repositories import add_timeline
from services.portal.tests.factories import Portal, portal_settings, running_portal


def test_confirmed_users_expire_and_stay_bounded() -> None:
    c = ConfirmedUsers(30, max_entries=2)
    assert not c.fresh("a", now=0)
    c.confirm("a", now=0)
    assert c.fresh("a", now=29.9) and not c.fresh("a", now=30)
    c.confirm("b", now=20)
    c.confirm("c", now=40)  # full: "a" has lapsed and is dropped
    assert c.fresh("b", now=40) and c.fresh("c", now=40) and not c.fresh("a", now=40)
    c.forget("b")
    assert not c.fresh("b", now=40)
    off = ConfirmedUsers(0)
    off.confirm("a", now=0)
    assert not off.fresh("a", now=0)


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
        confirmed: ConfirmedUsers = portal.app.state.portal.confirmed_users
        assert confirmed.ttl == 600
        confirmed._until.clear()  # the window has passed
        assert (await portal.client.get("/api/v1/applications", headers=headers)).status_code == 401


def test_the_portal_records_only_its_own_steps_without_seq() -> None:
    class _Session:
        def add(self, _: object) -> None:
            return None

    from shared.bus import utcnow

    add_timeline(_Session(), "app", "submitted", utcnow(), "applicant")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="SELF_RECORDED"):
        add_timeline(_Session(), "app", "invoiced", utcnow(), "applicant")  # type: ignore[arg-type]
