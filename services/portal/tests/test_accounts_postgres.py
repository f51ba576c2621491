"""The account rules on PostgreSQL: the throttle's counters in ``rate_limit_counters`` (shared by
replicas), the token version, and the retention job's queries."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from services.portal.db.models import User
from services.portal.tests.account_support import active_account, client_from, login, user_row
from services.portal.tests.factories import portal_settings, running_portal
from shared.bus import utcnow


@pytest.mark.postgres
async def test_accounts_on_postgres(tmp_path: Path, pg_url: str) -> None:
    async with running_portal(portal_settings(tmp_path, pg_url)) as portal:
        owner = "pg-owner@example.id"
        await active_account(portal, owner)
        async with client_from(portal, "203.0.113.7") as attacker, client_from(portal, "198.51.100.20") as home:
            codes = [(await login(attacker, owner, "Salah-Tebak-123")).status_code for _ in range(6)]
            assert codes == [401] * 5 + [429]
            async with portal.runtime.engine.connect() as conn:
                counters = (await conn.execute(text("SELECT key FROM rate_limit_counters"))).scalars().all()
            assert counters and all(owner not in k and "203.0.113.7" not in k for k in counters)
            r = await login(home, owner)
            assert r.status_code == 200
            headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
            assert (await home.post("/api/v1/auth/logout", headers=headers)).status_code == 204
            assert (await home.get("/api/v1/applications", headers=headers)).status_code == 401

        await portal.register("pg-pending@example.id")
        async with portal.runtime.sessions() as s, s.begin():
            await s.execute(update(User).where(User.email == "pg-pending@example.id")
                            .values(created_at=utcnow() - timedelta(days=31)))
        purged = await portal.app.state.portal.usecases.retention.run()
        assert purged.accounts == 1 and await user_row(portal, "pg-pending@example.id") is None
        async with portal.runtime.sessions() as s:
            assert (await s.execute(select(func.count()).select_from(User))).scalar_one() == 1
