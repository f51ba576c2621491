"""The bench's floor servers (scripts/bench/floor_apps.py) answer as the floors assume."""

from __future__ import annotations


async def test_the_one_select_read_floor_checks_the_token_and_reads_one_row(pg_url: str) -> None:
    import httpx

    from scripts.bench.floor_apps import read_token, select_app

    app = select_app(pg_url)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://floor") as client:
        mine = await client.get("/reads/app-7", headers={"Authorization": f"Bearer {read_token(7)}"})
        assert mine.status_code == 200 and mine.json()["id"] == "app-7"
        # Another user's row is not found; no token is 401.
        assert (await client.get("/reads/app-7", headers={"Authorization": f"Bearer {read_token(8)}"})
                ).status_code == 404
        assert (await client.get("/reads/app-7")).status_code == 401
