"""The status mirror (events from SIKI), notifications, invoice, payment proof, appeal and the
e-certificate download."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from sqlalchemy import select, text

from services.portal.app import MIGRATIONS
from services.portal.db.models import OutboxEvent
from services.portal.tests.factories import (
    PDF_BYTES,
    PNG_BYTES,
    Portal,
    portal_settings,
    running_portal,
    status_event,
)
from services.portal.tests.test_documents import service_headers
from shared.database import run_migrations
from shared.tests.migrating import downgrade

SIKI = "http://siki.test/api/v1/applications"
PROBLEM = "application/problem+json"
# Due in ten days: a proof after the due date is refused (test_deadlines.py).
DUE_DATE = (date.today() + timedelta(days=10)).isoformat()
INVOICE = {"number": "INV/LSP-A/2026/0001", "amount": "1500000", "currency": "IDR",
           "issued_at": "2026-01-05T03:00:00Z", "due_date": DUE_DATE}
CERTIFICATE = {"skk_number": "SKK-1", "registration_number": "REG-1", "recording_number": "LPJK-1",
               "issued_on": "2026-02-01", "valid_until": "2031-02-01", "qr_payload": "payload.sig"}
CERT_PDF = b"%PDF-1.7\n% e-certificate\n" + b"x" * 100 + b"\n%%EOF\n"


async def get_app(portal: Portal, headers: dict[str, str], app_id: str) -> dict[str, Any]:
    return dict((await portal.client.get(f"/api/v1/applications/{app_id}", headers=headers)).json())


async def submitted(portal: Portal, headers: dict[str, str]) -> str:
    app_id, _ = await portal.complete_draft(headers)
    with respx.mock:
        respx.post(SIKI).mock(return_value=httpx.Response(202, json={}))
        assert (await portal.client.post(f"/api/v1/applications/{app_id}/submit", headers=headers)).status_code == 200
    return app_id


Steps = list[tuple[str, dict[str, Any]]]

PATH_TO_INVOICED: Steps = [
    ("submitted", {}), ("forwarded", {"lsp_code": "LSP-A"}), ("accepted", {"actor": "LSP-A/admin"}),
    ("invoiced", {"invoice": INVOICE}),
]
PATH_TO_NYC: Steps = [
    ("payment_uploaded", {}), ("payment_verified", {}), ("in_certification", {}), ("scheduled", {}),
    ("assessed", {}), ("not_yet_competent", {"actor": "LSP-A/komite"}),
]
PATH_TO_ISSUED: Steps = [
    ("payment_uploaded", {}), ("payment_verified", {}), ("in_certification", {}), ("scheduled", {}),
    ("assessed", {}), ("competent", {}), ("skk_numbered", {}), ("recorded", {"certificate": CERTIFICATE}),
    ("certificate_issued", {"certificate": CERTIFICATE}),
]


async def advance(portal: Portal, app_id: str, steps: list[tuple[str, dict[str, Any]]], first_seq: int = 1) -> int:
    events = [status_event(app_id, first_seq + i, status, **dict(kw)) for i, (status, kw) in enumerate(steps)]
    await portal.feed(*events)
    return first_seq + len(steps)


async def outbox_types(portal: Portal) -> list[str]:
    async with portal.runtime.sessions() as s:
        return list((await s.execute(select(OutboxEvent.type).order_by(OutboxEvent.seq))).scalars().all())


async def test_status_mirror_timeline_and_notifications(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    await advance(portal, app_id, PATH_TO_INVOICED)
    app = await get_app(portal, applicant, app_id)
    assert app["status"] == "invoiced" and app["invoice"]["number"] == INVOICE["number"]
    # The portal's own "submitted" entry was confirmed by SIKI's seq 1, not repeated.
    assert [t["status"] for t in app["timeline"]] == ["draft", "submitted", "forwarded", "accepted", "invoiced"]
    assert app["timeline"][3]["actor"] == "LSP-A/admin"
    notes = (await portal.client.get("/api/v1/notifications", headers=applicant)).json()
    assert sorted(n["status"] for n in notes) == sorted(["submitted", "forwarded", "accepted", "invoiced"])
    assert all(n["application_id"] == app_id and n["message"] for n in notes)


async def test_events_apply_in_seq_order_and_once(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    forwarded = status_event(app_id, 2, "forwarded")
    accepted = status_event(app_id, 3, "accepted")
    # Out of order: seq 3 first, then the older seq 2 must not take the status back, but its step
    # still reaches the timeline (in seq order) and the notifications.
    await portal.feed(accepted)
    await portal.feed(forwarded)
    app = await get_app(portal, applicant, app_id)
    assert app["status"] == "accepted"
    assert [t["status"] for t in app["timeline"]] == ["draft", "submitted", "forwarded", "accepted"]
    # Duplicate delivery of the same event: no second effect.
    await portal.feed(accepted, accepted)
    notes = (await portal.client.get("/api/v1/notifications", headers=applicant)).json()
    assert sorted(n["status"] for n in notes) == ["accepted", "forwarded"]
    # A redelivered copy with a new event id but an already applied seq is ignored too.
    await portal.feed(status_event(app_id, 3, "accepted"))
    assert len((await portal.client.get("/api/v1/notifications", headers=applicant)).json()) == 2
    # Events for applications this portal does not know are dropped, not retried forever.
    await portal.feed(status_event("unknown-app", 1, "submitted"))
    assert await portal.runtime.bus.dead_letters("portal") == []


async def test_invoice(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    r = await portal.client.get(f"/api/v1/applications/{app_id}/invoice", headers=applicant)
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM and r.json()["field"] == "invoice"
    await advance(portal, app_id, PATH_TO_INVOICED)
    r = await portal.client.get(f"/api/v1/applications/{app_id}/invoice", headers=applicant)
    assert r.status_code == 200
    inv = r.json()
    assert (inv["number"], inv["currency"], inv["due_date"]) == (INVOICE["number"], "IDR", DUE_DATE)
    assert float(inv["amount"]) == 1500000


async def upload_proof(portal: Portal, headers: dict[str, str], app_id: str, data: bytes = PDF_BYTES) -> httpx.Response:
    return await portal.client.post(f"/api/v1/applications/{app_id}/payment-proof", headers=headers,
                                    files={"file": ("bukti.pdf", data, "application/pdf")})


async def test_payment_proof(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    proofs = f"{SIKI}/{app_id}/payment-proofs"
    with respx.mock:
        route = respx.post(proofs).mock(return_value=httpx.Response(202, json={}))
        r = await upload_proof(portal, applicant, app_id)
        assert r.status_code == 409 and r.headers["content-type"] == PROBLEM  # not invoiced yet
        assert not route.called
    seq = await advance(portal, app_id, PATH_TO_INVOICED)
    before = await get_app(portal, applicant, app_id)
    with respx.mock:
        route = respx.post(proofs).mock(return_value=httpx.Response(202, json={}))
        r = await upload_proof(portal, applicant, app_id, b"not a pdf")
        assert r.status_code == 415 and not route.called
        assert await get_app(portal, applicant, app_id) == before
        r = await upload_proof(portal, applicant, app_id)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "payment_uploaded" and r.json()["proof_no"] == 1
    body = json.loads(route.calls.last.request.content)
    assert body["proof_no"] == 1 and body["document"]["kind"] == "payment_proof"
    assert body["document"]["url"].endswith(f"/api/v1/internal/documents/{r.json()['document']['id']}")
    assert route.calls.last.request.headers["idempotency-key"].startswith(f"{app_id}:proof:1.")
    assert (await get_app(portal, applicant, app_id))["status"] == "payment_uploaded"
    # Rejected by the LSP: a second proof, numbered 2.
    await advance(portal, app_id, [("payment_uploaded", {}), ("payment_rejected", {"reasons": ["nominal kurang"]})],
                  seq)
    app = await get_app(portal, applicant, app_id)
    assert app["status"] == "payment_rejected" and app["reasons"] == ["nominal kurang"]
    with respx.mock:
        route = respx.post(proofs).mock(return_value=httpx.Response(202, json={}))
        r = await upload_proof(portal, applicant, app_id, PNG_BYTES)
    assert r.status_code == 201 and r.json()["proof_no"] == 2
    assert route.calls.last.request.headers["idempotency-key"].startswith(f"{app_id}:proof:2.")


async def test_payment_proof_is_fetchable_by_the_applications_lsp(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    await advance(portal, app_id, PATH_TO_INVOICED)
    with respx.mock:
        respx.post(f"{SIKI}/{app_id}/payment-proofs").mock(return_value=httpx.Response(202, json={}))
        r = await upload_proof(portal, applicant, app_id, PNG_BYTES)
    assert r.status_code == 201, r.text
    proof = f"/api/v1/internal/documents/{r.json()['document']['id']}"
    for caller in ("lsp:LSP-A", "siki"):
        got = await portal.client.get(proof, headers=service_headers(caller))
        assert got.status_code == 200 and got.content == PNG_BYTES
    other = await portal.client.get(proof, headers=service_headers("lsp:LSP-B"))
    assert other.status_code == 404 and other.json()["field"] == "document_id"


async def test_payment_proof_when_siki_is_down(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    await advance(portal, app_id, PATH_TO_INVOICED)
    before = await get_app(portal, applicant, app_id)
    with respx.mock:
        respx.post(f"{SIKI}/{app_id}/payment-proofs").mock(return_value=httpx.Response(503))
        r = await upload_proof(portal, applicant, app_id)
    assert r.status_code == 503 and r.headers["content-type"] == PROBLEM
    assert await get_app(portal, applicant, app_id) == before
    with respx.mock:
        route = respx.post(f"{SIKI}/{app_id}/payment-proofs").mock(
            return_value=httpx.Response(409, json={"detail": "already cancelled"}))
        r = await upload_proof(portal, applicant, app_id)
        assert r.status_code == 409 and "already cancelled" in r.json()["detail"]
        # The retry reused the proof number SIKI never accepted.
        assert route.calls.last.request.headers["idempotency-key"].startswith(f"{app_id}:proof:1.")
    assert await get_app(portal, applicant, app_id) == before


async def test_appeal(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    appeals = f"{SIKI}/{app_id}/appeals"
    seq = await advance(portal, app_id, PATH_TO_INVOICED)
    reason = "Asesmen tidak sesuai dengan skema yang berlaku."
    with respx.mock:
        route = respx.post(appeals).mock(return_value=httpx.Response(202, json={}))
        r = await portal.client.post(f"/api/v1/applications/{app_id}/appeal", headers=applicant,
                                     json={"reason": reason})
        assert r.status_code == 409 and not route.called
    await advance(portal, app_id, PATH_TO_NYC, seq)
    before = await get_app(portal, applicant, app_id)
    assert before["status"] == "not_yet_competent"
    with respx.mock:
        route = respx.post(appeals).mock(return_value=httpx.Response(202, json={}))
        r = await portal.client.post(f"/api/v1/applications/{app_id}/appeal", headers=applicant,
                                     json={"reason": "pendek"})
        assert r.status_code == 422 and r.json()["field"] == "reason" and not route.called
        assert await get_app(portal, applicant, app_id) == before
        r = await portal.client.post(f"/api/v1/applications/{app_id}/appeal", headers=applicant,
                                     json={"reason": reason})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "appealed"
    body = json.loads(route.calls.last.request.content)
    assert body["reason"] == reason and body["filed_at"]
    assert route.calls.last.request.headers["idempotency-key"].startswith(f"{app_id}:appeal:1.")


async def test_certificate_download_completes_once(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    cert_url = f"{SIKI}/{app_id}/certificate"
    seq = await advance(portal, app_id, PATH_TO_INVOICED)
    with respx.mock:
        route = respx.get(cert_url).mock(return_value=httpx.Response(200, content=CERT_PDF))
        r = await portal.client.get(f"/api/v1/applications/{app_id}/certificate", headers=applicant)
        assert r.status_code == 409 and r.headers["content-type"] == PROBLEM and not route.called
    await advance(portal, app_id, PATH_TO_ISSUED, seq)
    app = await get_app(portal, applicant, app_id)
    assert app["status"] == "certificate_issued" and app["certificate"]["skk_number"] == "SKK-1"
    # The applicant is told by email too (among the emails of the earlier steps).
    mails = [await portal.next_mail() for _ in range(6)]
    mail = next(m for m in mails if b"Subject: Sertifikat SKK" in m)
    assert app_id.encode() in mail
    assert "portal.certificate_downloaded" not in await outbox_types(portal)
    with respx.mock:
        route = respx.get(cert_url).mock(return_value=httpx.Response(200, content=CERT_PDF))
        r = await portal.client.get(f"/api/v1/applications/{app_id}/certificate", headers=applicant)
        assert r.status_code == 200 and r.content == CERT_PDF
        assert r.headers["content-type"] == "application/pdf"
        assert route.call_count == 1
        r = await portal.client.get(f"/api/v1/applications/{app_id}/certificate", headers=applicant)
        assert r.status_code == 200 and r.content == CERT_PDF
        assert route.call_count == 1  # stored after the first fetch
    app = await get_app(portal, applicant, app_id)
    assert app["status"] == "completed" and app["timeline"][-1]["status"] == "completed"
    assert (await outbox_types(portal)).count("portal.certificate_downloaded") == 1
    async with portal.runtime.sessions() as s:
        row = (await s.execute(select(OutboxEvent)
                               .where(OutboxEvent.type == "portal.certificate_downloaded"))).scalar_one()
    assert row.payload["application_id"] == app_id and row.application_id == app_id
    # SIKI's own "completed" event later confirms it without a second entry.
    await portal.feed(status_event(app_id, 14, "completed"))
    statuses = [t["status"] for t in (await get_app(portal, applicant, app_id))["timeline"]]
    assert statuses.count("completed") == 1


async def test_certificate_download_when_siki_fails(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    seq = await advance(portal, app_id, PATH_TO_INVOICED)
    await advance(portal, app_id, PATH_TO_ISSUED, seq)
    before = await get_app(portal, applicant, app_id)
    cert_url = f"{SIKI}/{app_id}/certificate"
    for response, code in [(httpx.Response(503), 503), (httpx.Response(404, json={"detail": "no pdf"}), 404),
                           (httpx.Response(200, content=b"<html>not a pdf</html>"), 502)]:
        with respx.mock:
            respx.get(cert_url).mock(return_value=response)
            r = await portal.client.get(f"/api/v1/applications/{app_id}/certificate", headers=applicant)
        assert r.status_code == code and r.headers["content-type"] == PROBLEM
        assert await get_app(portal, applicant, app_id) == before
    assert "portal.certificate_downloaded" not in await outbox_types(portal)


async def test_migration_0003_backfills_existing_references(portal: Portal, applicant: dict[str, str]) -> None:
    await check_backfill(portal, applicant)


@pytest.mark.postgres
async def test_migration_0003_backfills_on_postgres(tmp_path: Path, pg_url: str) -> None:
    async with running_portal(portal_settings(tmp_path, pg_url)) as portal:
        await check_backfill(portal, await portal.applicant())


async def check_backfill(portal: Portal, applicant: dict[str, str]) -> None:
    """Applications saved before revision 0003 keep working: their section documents and payment
    proofs (matched through the payment_uploaded timeline when the applicant has several) are linked."""
    proofs: dict[str, str] = {}
    for lsp in ("LSP-A", "LSP-B"):
        app_id = await submitted(portal, applicant)
        await advance(portal, app_id, [("submitted", {}), ("forwarded", {"lsp_code": lsp}),
                                       ("accepted", {}), ("invoiced", {"invoice": INVOICE})])
        with respx.mock:
            respx.post(f"{SIKI}/{app_id}/payment-proofs").mock(return_value=httpx.Response(202, json={}))
            r = await upload_proof(portal, applicant, app_id)
        assert r.status_code == 201, r.text
        proofs[app_id] = r.json()["document"]["id"]
    engine = portal.runtime.engine

    async def references() -> set[tuple[str, str, str]]:
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT application_id, document_id, source FROM document_references"))
            return {(r[0], r[1], r[2]) for r in rows}

    before = await references()
    assert {(a, d) for a, d, src in before if src == "payment_proof"} == set(proofs.items())
    await downgrade(engine, MIGRATIONS, "0002")  # the database as revision 0002 left it (every later head undone)
    await run_migrations(engine, MIGRATIONS)
    assert await references() == before
