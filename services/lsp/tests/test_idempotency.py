"""``Idempotency-Key`` on the LSP's staff API (issue 15): a retried new staff account returns the
first answer and makes one account (one activation mail); another body is 422; one still running
is 409; two LSP processes on one database take a keyed request once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from services.lsp.db.models import Staff
from services.lsp.tests.support import Lsp, running, settings_for
from services.portal.tests.test_email_smtp import Sink, smtp_sink  # noqa: F401 (the fixture)
from shared.idempotency import HEADER
from shared.tests.idempotency_support import check_keyed_post, check_two_replicas

pytestmark = pytest.mark.usefixtures("siki")


def staff(variant: int) -> dict[str, Any]:
    name = f"asesor{500 + variant}"  # clear of the dev accounts
    return {"username": name, "full_name": f"Asesor {variant}", "email": f"{name}@lsp-a.example.id",
            "roles": ["asesor"], "asesor_registration_number": f"met.000.{variant:06d}  2019"}


def sender(lsp: Lsp, headers: dict[str, str]) -> Any:
    async def send(key: str, variant: int) -> httpx.Response:
        return await lsp.client.post("/api/v1/staff", json=staff(variant), headers={**headers, HEADER: key})
    return send


def counter(lsp: Lsp) -> Any:
    async def count() -> int:
        async with lsp.app.state.lsp.sessions() as s:
            return int(await s.scalar(select(func.count()).select_from(Staff)) or 0)
    return count


@pytest.fixture
async def lsp(sqlite_url: str, smtp_sink: tuple[Sink, str]) -> AsyncIterator[Lsp]:  # noqa: F811
    async with running(settings_for(sqlite_url, smtp_url=smtp_sink[1])) as instance:
        yield instance


async def test_a_keyed_new_staff_account_is_made_once(lsp: Lsp) -> None:
    await check_keyed_post(lsp.app, lsp.client, sender(lsp, await lsp.as_("manajer")), counter(lsp))


async def test_two_processes_on_postgres_make_one_account(pg_url: str, smtp_sink: tuple[Sink, str]) -> None:  # noqa: F811
    settings = settings_for(pg_url, smtp_url=smtp_sink[1])
    async with running(settings) as one, running(settings) as two:
        headers = await one.as_("manajer")
        await check_two_replicas(sender(one, headers), sender(two, headers), counter(one))
