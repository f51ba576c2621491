"""The applicant's deadlines at the portal, checked before SIKI is called (SIKI checks again):
an appeal after the window and a payment proof after the due date are refused with the day
named, and nothing changes; a rejected proof is replaced before the due date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import respx
from sqlalchemy import func, select

from services.portal.db.models import Document
from services.portal.tests.factories import PNG_BYTES, Portal, portal_settings, running_portal
from services.portal.tests.test_after_submit import (
    INVOICE,
    PATH_TO_INVOICED,
    PATH_TO_NYC,
    SIKI,
    Steps,
    advance,
    get_app,
    submitted,
    upload_proof,
)
from shared.web.formats import today_jakarta  # due dates are days in Jakarta, ahead of UTC

PROBLEM = "application/problem+json"
REASON = "Asesor tidak memeriksa portofolio proyek saya."


def path_to_invoiced(due: date) -> Steps:
    return [*PATH_TO_INVOICED[:-1], ("invoiced", {"invoice": {**INVOICE, "due_date": due.isoformat()}})]


def decided_at(at: datetime) -> Steps:
    return [*PATH_TO_NYC[:-1], ("not_yet_competent", {"actor": "LSP-A/komite", "at": at.isoformat()})]


async def documents_stored(portal: Portal) -> int:
    async with portal.runtime.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(Document))).scalar_one())


async def appeal(portal: Portal, headers: dict[str, str], app_id: str) -> tuple[httpx.Response, respx.Route]:
    with respx.mock:
        route = respx.post(f"{SIKI}/{app_id}/appeals").mock(return_value=httpx.Response(202, json={}))
        r = await portal.client.post(f"/api/v1/applications/{app_id}/appeal", headers=headers, json={"reason": REASON})
    return r, route


async def test_an_appeal_after_the_window_is_refused_and_changes_nothing(portal: Portal,
                                                                        applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    seq = await advance(portal, app_id, PATH_TO_INVOICED)
    await advance(portal, app_id, decided_at(datetime.now(UTC) - timedelta(days=30)), seq)
    before = await get_app(portal, applicant, app_id)
    r, route = await appeal(portal, applicant, app_id)
    assert r.status_code == 409 and r.headers["content-type"] == PROBLEM and not route.called
    problem = r.json()
    assert problem["field"] == "filed_at" and "appeal window closed on" in problem["detail"]
    last_day = date.fromisoformat(problem["appeal_window_closed_on"])
    assert last_day.isoformat() in problem["detail"] and last_day < today_jakarta()
    assert await get_app(portal, applicant, app_id) == before


async def test_an_appeal_within_the_window_goes_to_siki(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    seq = await advance(portal, app_id, PATH_TO_INVOICED)
    await advance(portal, app_id, decided_at(datetime.now(UTC) - timedelta(minutes=5)), seq)
    r, route = await appeal(portal, applicant, app_id)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "appealed" and route.called


async def test_the_window_is_a_setting(tmp_path: Path, sqlite_url: str) -> None:
    # No working day after the decision: an appeal the day after a decision is late.
    async with running_portal(portal_settings(tmp_path, sqlite_url, appeal_window_working_days=0)) as portal:
        headers = await portal.applicant()
        app_id = await submitted(portal, headers)
        seq = await advance(portal, app_id, PATH_TO_INVOICED)
        await advance(portal, app_id, decided_at(datetime.now(UTC) - timedelta(days=2)), seq)
        r, route = await appeal(portal, headers, app_id)
        assert r.status_code == 409 and not route.called, r.text


async def test_a_proof_after_the_due_date_is_refused_and_nothing_is_stored(portal: Portal,
                                                                          applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    yesterday = today_jakarta() - timedelta(days=1)
    await advance(portal, app_id, path_to_invoiced(yesterday))
    before, stored = await get_app(portal, applicant, app_id), await documents_stored(portal)
    with respx.mock:
        route = respx.post(f"{SIKI}/{app_id}/payment-proofs").mock(return_value=httpx.Response(202, json={}))
        r = await upload_proof(portal, applicant, app_id, PNG_BYTES)
    assert r.status_code == 409 and r.headers["content-type"] == PROBLEM and not route.called
    assert r.json()["field"] == "invoice.due_date" and yesterday.isoformat() in r.json()["detail"]
    assert r.json()["due_date"] == yesterday.isoformat()
    assert await get_app(portal, applicant, app_id) == before
    assert await documents_stored(portal) == stored


async def test_a_rejected_proof_is_replaced_before_the_due_date(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    seq = await advance(portal, app_id, path_to_invoiced(today_jakarta()))  # due today: still in time
    proofs = f"{SIKI}/{app_id}/payment-proofs"
    with respx.mock:
        respx.post(proofs).mock(return_value=httpx.Response(202, json={}))
        assert (await upload_proof(portal, applicant, app_id, PNG_BYTES)).status_code == 201
    await advance(portal, app_id, [("payment_uploaded", {}), ("payment_rejected", {"reasons": ["buram"]})], seq)
    assert (await get_app(portal, applicant, app_id))["status"] == "payment_rejected"
    with respx.mock:
        route = respx.post(proofs).mock(return_value=httpx.Response(202, json={}))
        r = await upload_proof(portal, applicant, app_id, PNG_BYTES)
    assert r.status_code == 201, r.text
    assert r.json()["proof_no"] == 2 and r.json()["status"] == "payment_uploaded" and route.called


async def test_a_rejected_proof_cannot_be_replaced_after_the_due_date(portal: Portal,
                                                                     applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    due = today_jakarta() - timedelta(days=1)
    seq = await advance(portal, app_id, path_to_invoiced(due))
    await advance(portal, app_id, [("payment_uploaded", {}), ("payment_rejected", {"reasons": ["buram"]})], seq)
    with respx.mock:
        route = respx.post(f"{SIKI}/{app_id}/payment-proofs").mock(return_value=httpx.Response(202, json={}))
        r = await upload_proof(portal, applicant, app_id, PNG_BYTES)
    assert r.status_code == 409 and due.isoformat() in r.json()["detail"] and not route.called
