"""Two portal processes on one PostgreSQL database (two apps in-process, each with its own
engine): the retention job runs in one of them at a time."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from services.portal.db.models import User
from services.portal.tests.factories import Portal, portal_settings, running_portal
from shared.bus import utcnow
from shared.dblocks import try_session_lock

pytestmark = pytest.mark.postgres


async def _users(portal: Portal, email: str) -> int:
    async with portal.runtime.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(User).where(User.email == email))).scalar_one())


async def test_retention_runs_in_one_process_at_a_time(pg_url: str, tmp_path: Path) -> None:
    settings = portal_settings(tmp_path, pg_url)
    async with running_portal(settings) as first, running_portal(settings) as second:
        assert (await first.register("lama@example.id")).status_code in (200, 201, 202)
        async with first.runtime.sessions() as s, s.begin():
            await s.execute(update(User).where(User.email == "lama@example.id")
                            .values(created_at=utcnow() - timedelta(days=31)))
        one = first.app.state.portal.usecases.retention
        two = second.app.state.portal.usecases.retention
        # While the first process runs a pass, the second one's pass is skipped.
        async with try_session_lock(one.sessions, "portal:retention") as mine:
            assert mine
            skipped = await two.run()
            assert not skipped.anything
            assert await _users(first, "lama@example.id") == 1
        both = await asyncio.gather(one.run(), two.run())
        assert sum(p.accounts for p in both) == 1  # removed, and counted (and audited) once
        assert await _users(second, "lama@example.id") == 0
