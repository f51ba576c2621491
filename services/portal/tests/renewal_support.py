"""Helpers of the renewal and change tests: a holder of an issued SKK, creating a renewal or a
change through the API, and a submission to a faked SIKI whose body is read back."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import httpx
import respx
from sqlalchemy import update

from services.portal.db.models import Application
from services.portal.tests.factories import Portal, status_event
from shared.contracts.siki import ApplicationSubmission

SIKI = "http://siki.test/api/v1/applications"
PROBLEM = "application/problem+json"
APPS = "/api/v1/applications"


def certificate(skk: str, valid_until: date, **over: Any) -> dict[str, Any]:
    return {"skk_number": skk, "registration_number": f"REG-{skk}", "recording_number": f"LPJK-{skk}",
            "issued_on": (valid_until - timedelta(days=5 * 365)).isoformat(),
            "valid_until": valid_until.isoformat(), "qr_payload": "payload.sig", **over}


def soon(days: int = 60) -> date:
    """A validity end inside the renewal window (which opens 6 months before it)."""
    return date.today() + timedelta(days=days)


async def held(portal: Portal, headers: dict[str, str], skk: str, valid_until: date | None = None,
               **cert: Any) -> tuple[str, dict[str, str]]:
    """An application of ``headers`` with all sections whose SKK ``skk`` was issued: (id, documents)."""
    app_id, docs = await portal.complete_draft(headers)
    await portal.feed(status_event(app_id, 1, "certificate_issued",
                                   certificate=certificate(skk, valid_until or soon(), **cert)))
    return app_id, docs


async def create(portal: Portal, headers: dict[str, str], kind: str, skk: str | None) -> httpx.Response:
    body: dict[str, Any] = {"application_kind": kind}
    if skk is not None:
        body["previous_skk_number"] = skk
    return await portal.client.post(APPS, headers=headers, json=body)


async def listed(portal: Portal, headers: dict[str, str]) -> list[dict[str, Any]]:
    r = await portal.client.get(APPS, headers=headers)
    assert r.status_code == 200, r.text
    return list(r.json())


async def put(portal: Portal, headers: dict[str, str], app_id: str, section: str, payload: Any) -> httpx.Response:
    return await portal.client.put(f"{APPS}/{app_id}/sections/{section}", headers=headers, json=payload)


async def submit_to_siki(portal: Portal, headers: dict[str, str],
                         app_id: str) -> tuple[httpx.Response, ApplicationSubmission | None]:
    """Submit with SIKI faked: the answer, and the body SIKI got (None when none was sent)."""
    with respx.mock:
        route = respx.post(SIKI).mock(return_value=httpx.Response(202, json={"id": app_id, "status": "submitted"}))
        r = await portal.client.post(f"{APPS}/{app_id}/submit", headers=headers)
    if not route.called:
        return r, None
    return r, ApplicationSubmission.model_validate(json.loads(route.calls.last.request.content))


async def set_certificate(portal: Portal, app_id: str, cert: dict[str, Any]) -> None:
    """The certificate as LPJK's status events leave it (revoked, superseded...)."""
    async with portal.runtime.sessions() as s, s.begin():
        await s.execute(update(Application).where(Application.id == app_id).values(certificate=cert))


def fields(r: httpx.Response) -> list[str]:
    assert r.headers["content-type"] == PROBLEM, r.text
    return [e["field"] for e in r.json()["errors"]]
