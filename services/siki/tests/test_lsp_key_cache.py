"""An LSP's api key is looked up once and kept only while the registry's changes are heard
(db/lsp_keys.py): a rotation, in this process or a replica, or an operator's SQL, refuses the
old key as soon as it is committed and heard; a lost listening connection keeps nothing until
it is back; SQLite keeps nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from services.siki.db.lsp_keys import APPLICATION_NAME, KnownKeys
from services.siki.tests.conftest import Harness, build_settings, eventually, running
from shared.tests.plans import statements_of

TIMELINE = "/api/v1/applications/none/timeline"  # any LSP call: 404 once the key is known, 401 if not


def _keys(h: Harness) -> KnownKeys:
    return h.app.state.siki_context.lsp_keys  # type: ignore[no-any-return]


def _registry_reads(sent: list[str]) -> list[str]:
    return [q for q in sent if "FROM lsps" in q]


async def _status(h: Harness, headers: dict[str, str]) -> int:
    return (await h.client.get(TIMELINE, headers=headers)).status_code


@pytest.mark.postgres
async def test_a_rotation_in_one_replica_refuses_the_old_key_in_the_other(pg_url: str) -> None:
    async with running(build_settings(pg_url)) as first, running(build_settings(pg_url)) as second:
        await eventually(lambda: _keys(first).trusted and _keys(second).trusted, what="both listening")
        async with statements_of(second.runtime.engine, each_once=False) as sent:
            assert await _status(second, second.lsp_a) == 404
            assert await _status(second, second.lsp_a) == 404
            assert await _status(second, {"Authorization": "Bearer not-a-key"}) == 401
            assert await _status(second, {"Authorization": "Bearer not-a-key"}) == 401
        # The known key read once; an unknown one every time (never kept).
        assert len(_registry_reads(sent)) == 3

        rotated = await first.client.post("/api/v1/lsps/LSP-A/rotate-secret", params={"grace_seconds": 0},
                                          headers=first.operator)
        assert rotated.status_code == 200, rotated.text
        new_key = {"Authorization": f"Bearer {rotated.json()['api_key']}"}
        assert await _status(first, first.lsp_a) == 401  # in the rotating process at once

        async def refused_in_the_replica() -> bool:
            return await _status(second, second.lsp_a) == 401

        await eventually(refused_in_the_replica, timeout=5, what="the old key refused by the replica")
        assert await _status(second, new_key) == 404


@pytest.mark.postgres
async def test_a_lost_listener_keeps_nothing_and_an_operators_sql_is_heard_once_back(pg_url: str) -> None:
    async with running(build_settings(pg_url)) as h:
        keys = _keys(h)
        await eventually(lambda: keys.trusted, what="listening")
        assert await _status(h, h.lsp_b) == 404
        admin = create_async_engine(pg_url.replace("postgresql://", "postgresql+asyncpg://", 1))
        try:
            async with admin.connect() as conn:
                ended = (await conn.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :name AND datname = current_database()"),
                    {"name": APPLICATION_NAME})).scalars().all()
            assert ended == [True]
            await eventually(lambda: not keys.trusted, what="the lost listener noticed")
            async with statements_of(h.runtime.engine, each_once=False) as sent:
                assert await _status(h, h.lsp_b) == 404
            assert len(_registry_reads(sent)) == 1  # nothing kept meanwhile: read
            await eventually(lambda: keys.trusted, timeout=10, what="listening again")

            assert await _status(h, h.lsp_b) == 404  # kept again
            async with admin.begin() as conn:  # an operator deactivates LSP-B by hand
                await conn.execute(text("UPDATE lsps SET active = false WHERE code = 'LSP-B'"))

            async def refused() -> bool:
                return await _status(h, h.lsp_b) == 401

            await eventually(refused, timeout=5, what="the deactivated LSP's key refused")
        finally:
            await admin.dispose()


async def test_sqlite_keeps_no_key(sqlite_url: str) -> None:
    async with running(build_settings(sqlite_url)) as h:
        async with statements_of(h.runtime.engine, each_once=False) as sent:
            assert await _status(h, h.lsp_a) == 404
            assert await _status(h, h.lsp_a) == 404
        assert len(_registry_reads(sent)) == 2 and not _keys(h).trusted


def test_a_read_overtaken_by_a_change_is_not_kept() -> None:
    keys = KnownKeys()
    keys.trust(True)
    began = keys.generation
    keys.forget_all()  # a change heard while the read was under way
    keys.keep("digest", "LSP-A", began)
    assert keys.code_of("digest") is None
    keys.keep("digest", "LSP-A", keys.generation)
    assert keys.code_of("digest") == "LSP-A"
    keys.trust(False)
    assert keys.code_of("digest") is None
