"""``Idempotency-Key`` on the portal's applicant API (issue 15): a retried new application or
document upload (multipart) returns the first answer and makes one; another body is 422; one
still running is 409; two portal processes on one database take a keyed request once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from scripts.simulator.files import tiny_pdf
from services.portal.db.models import Application, Document
from services.portal.tests.factories import Portal, portal_settings, running_portal
from shared.idempotency import HEADER
from shared.tests.idempotency_support import check_keyed_post, check_retry_after_death, check_two_replicas

KINDS = {2: "perpanjangan"}  # variant 2 is "another body"


def new_application(p: Portal, headers: dict[str, str]) -> Any:
    async def send(key: str, variant: int) -> httpx.Response:
        return await p.client.post("/api/v1/applications", json={"application_kind": KINDS.get(variant, "baru")},
                                   headers={**headers, HEADER: key})
    return send


def counter(p: Portal, model: Any) -> Any:
    async def count() -> int:
        async with p.runtime.sessions() as s:
            return int((await s.execute(select(func.count()).select_from(model))).scalar_one())
    return count


@pytest.mark.replays("create_application")
async def test_a_keyed_new_application_is_made_once(portal: Portal, applicant: dict[str, str]) -> None:
    await check_keyed_post(portal.app, portal.client, new_application(portal, applicant),
                           counter(portal, Application))
    await check_retry_after_death(portal.app, portal.client, new_application(portal, applicant),
                                  counter(portal, Application))


def keyed_upload(portal: Portal, headers: dict[str, str]) -> Any:
    requests: dict[int, httpx.Request] = {}

    async def send(key: str, variant: int) -> httpx.Response:
        # A retrying client sends the same bytes again (boundary included): built once per variant.
        if variant not in requests:
            data = tiny_pdf(f"ktp {variant}")
            requests[variant] = portal.client.build_request(
                "POST", "/api/v1/documents", data={"kind": "ktp"}, files={"file": ("ktp.pdf", data, "application/pdf")},
                headers=headers)
            requests[variant].read()
        r = requests[variant]
        headers_now = {**dict(r.headers), HEADER: key}
        return await portal.client.post("/api/v1/documents", content=r.content, headers=headers_now)
    return send


@pytest.mark.replays("upload_document")
async def test_a_keyed_upload_is_stored_once(portal: Portal, applicant: dict[str, str]) -> None:
    send = keyed_upload(portal, applicant)
    await check_keyed_post(portal.app, portal.client, send, counter(portal, Document))
    await check_retry_after_death(portal.app, portal.client, send, counter(portal, Document))


async def test_two_processes_on_postgres_make_one_application(tmp_path: Path, pg_url: str) -> None:
    settings = portal_settings(tmp_path, pg_url)
    async with running_portal(settings) as one, running_portal(settings) as two:
        headers = await one.applicant()
        await check_two_replicas(new_application(one, headers), new_application(two, headers),
                                 counter(one, Application))
