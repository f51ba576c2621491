"""The portal's applicant journey, status mirror and periodic sweeps read its growing tables
through indexes, so that their cost does not grow with the number of applicants
(shared/tests/plans.py: a generic plan, as asyncpg's prepared statements come to use, could turn
a lookup into a full scan)."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
import respx

from services.portal.tests.account_support import reset_token_in
from services.portal.tests.factories import (
    ACTIVATION_LINK,
    PASSWORD,
    PNG_BYTES,
    Portal,
    activation_token_from,
    make_nik,
    portal_settings,
    running_portal,
    status_event,
)
from services.portal.tests.test_after_submit import CERT_PDF, CERTIFICATE, PATH_TO_INVOICED, PATH_TO_ISSUED, advance
from services.portal.tests.test_certificate_status import change
from services.portal.tests.test_documents import service_headers
from shared.bus import utcnow
from shared.database import engine_of
from shared.tests.operators import create_operator_session
from shared.tests.plans import described, full_scans, statements_of, whole_index_reads
from shared.tests.waiting import eventually

# Every table that grows with the applicants, their applications and their use of the portal.
GROWING = ["users", "activation_tokens", "password_reset_tokens", "documents", "applications",
           "application_form_copies", "document_references", "timeline_entries", "notifications",
           "nik_bindings", "nik_binding_audit", "expiry_reminders", "outbox", "inbox", "idempotency_keys",
           "audit_log", "rate_limit_counters"]
# Read whole on purpose, by the hourly retention pass: the drafts untouched since a date. An index
# on their status or update time would make each of an application's updates (about 26, 94 % of
# them HOT updates in a soak: no index entry written) write every index of the table again.
HOURLY_WHOLE_READS = ("applications.updated_at <",)
SIKI = "http://siki.test/api/v1"
APPS = "/api/v1/applications"
RESET_LINK = re.compile(r"reset-password\?token=")
# Expiring in 60 days: inside the renewal window, and due for its 90-day reminder.
HELD = {**CERTIFICATE, "valid_until": (date.today() + timedelta(days=60)).isoformat()}
TO_ISSUED = [(status, {**kw, "certificate": HELD} if "certificate" in kw else kw) for status, kw in PATH_TO_ISSUED]


def siki_routes(mock: respx.MockRouter) -> None:
    """SIKI answering every call of the journey as it would a well-formed request."""
    def rebound(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        return httpx.Response(200, json={"nik_masked": "317101********01", "account_id": body["account_id"]})

    mock.post(f"{SIKI}/applications").mock(return_value=httpx.Response(202, json={}))
    mock.post(url__regex=rf"{SIKI}/applications/[^/]+/(payment-proofs|appeals)").mock(
        return_value=httpx.Response(202, json={}))
    mock.post(url__regex=rf"{SIKI}/applications/[^/]+/withdrawal").mock(
        return_value=httpx.Response(202, json={"id": "x", "status": "withdrawn", "lsp_code": "LSP-A"}))
    mock.get(url__regex=rf"{SIKI}/applications/[^/]+/certificate").mock(
        return_value=httpx.Response(200, content=CERT_PDF))
    mock.get(url__regex=rf"{SIKI}/applications/[^/]+/forms/apl0[12]").mock(
        return_value=httpx.Response(200, content=CERT_PDF))
    mock.post(f"{SIKI}/nik-bindings").mock(side_effect=rebound)


async def mail_to(portal: Portal, address: str, link: re.Pattern[str]) -> bytes:
    """The email to ``address`` with ``link``, once the outbox relayed it to the mail folder (read
    from disk, not the database: the test's own queries are not the portal's)."""
    found: list[bytes] = []

    def arrived() -> bool:
        found[:] = [raw for raw in (p.read_bytes() for p in portal.mail_dir.glob("*.eml"))
                    if f"To: {address}".encode() in raw and link.search(raw.decode())]
        return bool(found)

    await eventually(arrived, what=f"the email to {address}")
    return found[0]


async def activated(portal: Portal, address: str) -> None:
    """An account registered and activated through its emailed link (whatever else is mailed meanwhile)."""
    assert (await portal.register(address)).status_code == 202
    token = activation_token_from(await mail_to(portal, address, ACTIVATION_LINK))
    r = await portal.client.post("/api/v1/auth/activate",
                                 json={"token": token, "password": PASSWORD, "password_repeat": PASSWORD})
    assert r.status_code == 200, r.text


async def accounts(portal: Portal, email_addr: str) -> dict[str, str]:
    """Registration, activation, login, a password reset and a password change, a logout, and an
    account left unactivated (the retention job's): the headers of the account's last login."""
    headers = await portal.applicant(email_addr)
    assert (await portal.register(f"never-{uuid.uuid4().hex[:6]}@example.id")).status_code == 202
    r = await portal.client.post("/api/v1/auth/activation/resend", json={"email": email_addr})
    assert r.status_code == 202, r.text
    assert (await portal.client.post("/api/v1/auth/password-reset", json={"email": email_addr})).status_code == 202
    token = reset_token_in(await mail_to(portal, email_addr, RESET_LINK))
    r = await portal.client.post("/api/v1/auth/password-reset/confirm",
                                 json={"token": token, "password": PASSWORD + "x", "password_repeat": PASSWORD + "x"})
    assert r.status_code == 200, r.text
    r = await portal.login(email_addr, PASSWORD + "x")
    assert r.status_code == 200, r.text
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    r = await portal.client.post("/api/v1/auth/password", headers=headers, json={
        "current_password": PASSWORD + "x", "password": PASSWORD, "password_repeat": PASSWORD})
    assert r.status_code == 200, r.text
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}  # the other sessions ended
    assert (await portal.client.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    r = await portal.login(email_addr)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def pages(portal: Portal, headers: dict[str, str], app_id: str) -> None:
    """What the applicant reads, through the API and the pages."""
    for url in (APPS, f"{APPS}?limit=5&offset=0", f"{APPS}/{app_id}", "/api/v1/notifications"):
        r = await portal.client.get(url, headers=headers)
        assert r.status_code == 200, (url, r.text)
    token = headers["Authorization"].removeprefix("Bearer ")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=portal.app), base_url="http://portal.test",
                                 cookies={"skk_session_portal": token}) as browser:
        for url in ("/dasbor", "/notifikasi", f"/permohonan/{app_id}", f"/permohonan/{app_id}/langkah/1",
                    f"/permohonan/{app_id}/ringkasan"):
            r = await browser.get(url)
            assert r.status_code in (200, 303), (url, r.text)


async def journey(portal: Portal, headers: dict[str, str]) -> str:
    """One application from its draft to its certificate (and beyond): its id."""
    app_id, docs = await portal.complete_draft(headers)
    keyed = {**headers, "Idempotency-Key": uuid.uuid4().hex}
    r = await portal.upload(keyed, "certificate", PNG_BYTES, "p.png", "image/png")
    assert r.status_code == 201, r.text
    await pages(portal, headers, app_id)
    r = await portal.client.post(f"{APPS}/{app_id}/submit", headers=headers)
    assert r.status_code == 200, r.text
    seq = await advance(portal, app_id, PATH_TO_INVOICED)
    assert (await portal.client.get(f"{APPS}/{app_id}/invoice", headers=headers)).status_code == 200
    r = await portal.client.post(f"{APPS}/{app_id}/payment-proof", headers=headers,
                                 files={"file": ("bukti.png", PNG_BYTES, "image/png")})
    assert r.status_code == 201, r.text
    proof = r.json()["document"]["id"]
    for caller, url in (("lsp:LSP-A", f"/api/v1/internal/documents/{proof}"),
                        ("siki", f"/api/v1/internal/documents/{docs['photo']}"),
                        ("siki", f"/api/v1/internal/applications/{app_id}/documents/{docs['ktp']}?lsp_code=LSP-A")):
        assert (await portal.client.get(url, headers=service_headers(caller))).status_code == 200, url
    await advance(portal, app_id, TO_ISSUED[1:], seq + 1)
    for url in (f"{APPS}/{app_id}/certificate", f"{APPS}/{app_id}/certificate", f"{APPS}/{app_id}/forms/apl01"):
        r = await portal.client.get(url, headers=headers)
        assert r.status_code == 200, (url, r.text)
    await portal.feed(change(app_id, 1, "suspended", "active"), change(app_id, 2, "active", "suspended"))
    await pages(portal, headers, app_id)
    return app_id


async def other_paths(portal: Portal, headers: dict[str, str]) -> None:
    """A withdrawal, an appeal, a renewal of the held SKK and an operator's NIK rebind."""
    withdrawn, _ = await portal.complete_draft(headers)
    assert (await portal.client.post(f"{APPS}/{withdrawn}/submit", headers=headers)).status_code == 200
    r = await portal.client.post(f"{APPS}/{withdrawn}/withdrawal", headers=headers, json={})
    assert r.status_code in (200, 202), r.text
    appealed, _ = await portal.complete_draft(headers)
    assert (await portal.client.post(f"{APPS}/{appealed}/submit", headers=headers)).status_code == 200
    await portal.feed(status_event(appealed, 2, "not_yet_competent", actor="LSP-A/komite"))
    r = await portal.client.post(f"{APPS}/{appealed}/appeal", headers=headers,
                                 json={"reason": "Asesmen tidak sesuai dengan skema yang berlaku."})
    assert r.status_code == 200, r.text
    r = await portal.client.post(APPS, headers=headers, json={
        "application_kind": "perpanjangan", "previous_skk_number": HELD["skk_number"]})
    assert r.status_code == 201, r.text
    other = f"other-{uuid.uuid4().hex[:6]}@example.id"
    await activated(portal, other)
    operator = await create_operator_session(portal.client, "portal")
    r = await portal.client.post("/api/v1/operator/nik-bindings", headers=operator, json={
        "nik": make_nik(), "account_email": other, "identity_check_reference": "KTP-CHECK-1"})
    assert r.status_code == 200, r.text


async def sweeps(portal: Portal) -> None:
    """The periodic jobs, each as its loop runs it: expiry reminders, retention, the purges."""
    reminders = portal.app.state.expiry_reminders
    valid_until = date.fromisoformat(HELD["valid_until"])
    for threshold in (90, 30):
        sent = await reminders.run(valid_until - timedelta(days=threshold))
        assert sent.sent, "no reminder was due: the sweep's statements were not all sent"
    purged = await portal.app.state.portal.usecases.retention.run(utcnow() + timedelta(days=3650))
    assert purged.accounts and purged.drafts, purged
    await portal.app.state.idempotency.purge_expired()
    await portal.runtime.throttle.purge_expired()


@pytest.mark.postgres
async def test_journey_mirror_and_sweeps_never_read_a_growing_table_whole(tmp_path: Path, pg_url: str) -> None:
    settings = portal_settings(tmp_path, pg_url, expiry_reminder_interval_seconds=0, retention_interval_seconds=0)
    async with running_portal(settings) as portal:
        engine = engine_of(portal.runtime.sessions)
        with respx.mock(assert_all_called=False) as siki:
            siki_routes(siki)
            async with statements_of(engine) as sent:
                headers = await accounts(portal, f"budi-{uuid.uuid4().hex[:6]}@example.id")
                await journey(portal, headers)
                await other_paths(portal, headers)
                await portal.draft(headers)  # left untouched: an abandoned draft
                await sweeps(portal)
        assert len(sent) > 30
        found = await full_scans(engine, sent, GROWING) | await whole_index_reads(engine, sent, GROWING)
        found = {sql: tables for sql, tables in found.items() if not any(m in sql for m in HOURLY_WHOLE_READS)}
        assert not found, f"{len(found)} statements read a growing table whole:\n{described(found)}"
