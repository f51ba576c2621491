"""The per-NIK check holds across processes (issue 11): two SIKI processes (real uvicorn
processes, ``python -m services.siki``) on one PostgreSQL database, 50 concurrent submissions for
one NIK spread over both, mixed kualifikasi and jabatan kerja (several racing for the same one):
the applications accepted, read back from the database, never break a limit."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from scripts.chain_processes import free_port
from services.siki.db.models import Application, NikBinding
from services.siki.domain.limits import Holding, application_errors
from services.siki.tests.test_ownership import apply
from shared.auth import ServiceTokenSigner

ROOT = Path(__file__).resolve().parents[3]
# Teknisi/Analis, Operator and Ahli jabatan kerja licensed to LSP-A, more of each than a NIK may
# hold; 50 submissions cycle through them in pairs, so that the two processes race for each.
POOL = [
    "SI012001", "SI012022", "SI032002", "SI152001", "ME022008", "ME032002", "ME052009", "ME062009",
    "SI013013", "SI013017", "SI033006", "ME023006", "ME053018", "TL033005", "MP013002",
    "SI011002", "SI031018", "MP011001", "MP021006", "ME011006", "SI041017",
]


def _env(database_url: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKK_")}
    env.update({
        "SKK_DATABASE_URL": database_url, "SKK_PORT": str(port), "SKK_LOG_LEVEL": "WARNING",
        "SKK_DEV_LSP_URLS": json.dumps({"LSP-A": f"http://127.0.0.1:{free_port()}", "LSP-B": "http://127.0.0.1:9"}),
        "SKK_WEBHOOK_MAX_ATTEMPTS": "1", "SKK_DATABASE_POOL_SIZE": "10", "PYTHONUNBUFFERED": "1",
    })
    return env


@contextlib.contextmanager
def siki_process(database_url: str, port: int, log: Path) -> Iterator[str]:
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "services.siki"], env=_env(database_url, port),
                                stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"siki exited with {proc.returncode}: {log.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise TimeoutError(f"siki on {port} not ready: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.postgres
async def test_two_processes_fifty_submissions_one_nik_never_exceed_the_limits(pg_url: str, tmp_path: Path) -> None:
    with siki_process(pg_url, free_port(), tmp_path / "siki-1.log") as first, \
            siki_process(pg_url, free_port(), tmp_path / "siki-2.log") as second:
        headers = {"Authorization": f"Bearer {ServiceTokenSigner.dev('portal').token('siki')}"}
        # Pairs for the same jabatan kerja, one to each process at the same moment.
        bodies = [apply(POOL[(i // 2) % len(POOL)]) for i in range(50)]
        async with httpx.AsyncClient(timeout=60, headers=headers) as client:
            answers = await asyncio.gather(*[
                client.post((first, second)[i % 2] + "/api/v1/applications", json=body)
                for i, body in enumerate(bodies)
            ])
    codes = [r.status_code for r in answers]
    assert set(codes) <= {202, 422}, [r.text for r in answers if r.status_code not in (202, 422)]
    accepted = {b["id"] for b, r in zip(bodies, answers, strict=True) if r.status_code == 202}
    assert 0 < len(accepted) < 50, codes

    engine = create_async_engine(pg_url)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(select(
                Application.id, Application.kualifikasi, Application.klasifikasi_code, Application.subklasifikasi_code,
                Application.jabatan_kerja_code))).all()
            bound = (await conn.execute(select(NikBinding.account_id))).scalars().all()
    finally:
        await engine.dispose()
    assert {r.id for r in rows} == accepted  # every 202 recorded, nothing refused recorded
    assert bound == ["user-1"]
    held = [Holding(r.kualifikasi, r.klasifikasi_code, r.subklasifikasi_code, r.jabatan_kerja_code) for r in rows]
    # Each accepted application, checked against all the others, breaks no rule: the limits of
    # each kualifikasi hold and no jabatan kerja is there twice.
    for i, one in enumerate(held):
        assert application_errors(held[:i] + held[i + 1:], one) == [], (one, held)
    per_kualifikasi = {k: sum(h.kualifikasi == k for h in held) for k in ("Operator", "Teknisi/Analis", "Ahli")}
    assert all(n <= 5 for n in per_kualifikasi.values()), per_kualifikasi
