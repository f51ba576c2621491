"""The floors of docs PERFORMANCE.md, measured in the same run as the chain: a bare JSON GET,
a POST with one PostgreSQL insert, an authenticated GET with one indexed select, and one
service calling another (httpx, aiohttp, and the chain's own ServiceClient); and the database's
own floor, one transaction's CPU through asyncpg alone and through the services' data layer
(scripts/bench/db_floor.py)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from scripts.bench.floor_apps import READ_ROWS, read_token
from scripts.bench.load import LoadResult, closed_loop
from scripts.chain_processes import free_port

ROOT = Path(__file__).resolve().parents[2]


async def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=2) as c:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"floor server exited with {proc.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                await c.get(url)
                return
            await asyncio.sleep(0.1)
    raise TimeoutError(f"floor server at {url} not ready")


def _spawn(args: list[str], log_path: Path) -> subprocess.Popen[bytes]:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        return subprocess.Popen(args, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


@contextlib.asynccontextmanager
async def floor_server(kind: str, log_dir: Path, **opts: str) -> AsyncIterator[tuple[str, int]]:
    """``(base url, pid)`` of a floor server running as its own process."""
    port = free_port()
    args = [sys.executable, "-m", "scripts.bench.floor_apps", kind, "--port", str(port)]
    for k, v in opts.items():
        args += [f"--{k.replace('_', '-')}", v]
    proc = _spawn(args, log_dir / f"floor-{kind}.log")
    url = f"http://127.0.0.1:{port}"
    try:
        await _wait_ready(url + "/docs", proc)
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def temp_database(admin_url: str) -> tuple[str, str]:
    """A fresh, empty PostgreSQL database: its name and URL (plain ``postgresql://``)."""
    import asyncpg

    name = f"skkbench_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base = admin_url.rsplit("/", 1)[0]
    return name, f"{base}/{name}"


async def drop_database(admin_url: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def measure_floors(*, postgres_admin_url: str, log_dir: Path, duration: float, concurrency: int,
                         out: Any = None) -> dict[str, LoadResult]:
    results: dict[str, LoadResult] = {}

    def say(text: str) -> None:
        if out is not None:
            print(text, file=out, flush=True)

    async with floor_server("bare", log_dir) as (bare, _):
        say("floor: bare FastAPI JSON GET")
        results["bare_get"] = await closed_loop(
            "bare_get", lambda i: ("GET", bare + "/json", None, None), concurrency=concurrency, duration=duration)
        for kind in ("hop-httpx", "hop-aiohttp", "hop-chain"):
            async with floor_server(kind, log_dir, target=bare) as (hop, _):
                say(f"floor: service hop ({kind})")
                results[kind.replace("-", "_")] = await closed_loop(
                    kind, lambda i, hop=hop: ("GET", hop + "/hop", None, None),  # type: ignore[misc]
                    concurrency=concurrency, duration=duration)
    name, db_url = await temp_database(postgres_admin_url)
    try:
        async with floor_server("insert", log_dir, database_url=db_url) as (ins, _):
            say("floor: POST with one PostgreSQL insert")
            results["pg_insert_post"] = await closed_loop(
                "pg_insert_post", lambda i: ("POST", ins + "/items", None, {"name": f"item-{i}", "value": i}),
                concurrency=concurrency, duration=duration)
        async with floor_server("select", log_dir, database_url=db_url) as (sel, _):
            say("floor: authenticated GET with one indexed select")
            tokens = [{"Authorization": f"Bearer {read_token(i)}"} for i in range(READ_ROWS)]
            results["pg_select_get"] = await closed_loop(
                "pg_select_get",
                lambda i: ("GET", f"{sel}/reads/app-{i % READ_ROWS}", tokens[i % READ_ROWS], None),
                concurrency=concurrency, duration=duration)
    finally:
        await drop_database(postgres_admin_url, name)
    return results


async def measure_db_floor(*, postgres_admin_url: str, transactions: int = 3000, out: Any = None) -> dict[str, Any]:
    """The database's own floor (scripts/bench/db_floor.py), run as its own process on a database
    of its own, so that only its CPU is counted."""
    if out is not None:
        print("floor: one transaction through asyncpg alone and through the services' data layer", file=out,
              flush=True)
    name, db_url = await temp_database(postgres_admin_url)
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "scripts.bench.db_floor", "--database-url", db_url,
            "--transactions", str(transactions), cwd=ROOT, stdout=asyncio.subprocess.PIPE)
        stdout, _ = await proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"the database floor exited with {proc.returncode}")
        result: dict[str, Any] = json.loads(stdout)
        return result
    finally:
        await drop_database(postgres_admin_url, name)
