"""Every keyed POST of the portal, retried after its process died between the commit of its
effects and the storing of its answer (shared/idempotency_marks.py): the retry with the same
``Idempotency-Key`` answers as the first attempt did (same status, the same resource as it is
now) and takes no effect twice: no second row, timeline entry, email, audit entry or SIKI call.
(create_application and upload_document: test_idempotency.py.)"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
import respx
from sqlalchemy import func, select

from services.portal.db.models import AuditEntry, Document, ExpiryReminder, NikBindingAudit, User
from services.portal.tests.account_support import activation_token_in, active_account, emails_to, reset_token_in
from services.portal.tests.factories import PASSWORD, PDF_BYTES, Portal, make_nik, status_event
from services.portal.tests.test_after_submit import PATH_TO_INVOICED, PATH_TO_NYC, SIKI, advance, get_app, submitted
from services.portal.tests.test_expiry_reminders import UNTIL, certificate
from shared.idempotency import HEADER
from shared.tests.idempotency_support import died_then_retried as retried_after_death
from shared.tests.operators import create_operator_session

Send = Callable[[], Awaitable[httpx.Response]]
NEW_PASSWORD = "Sandi-Baru-2025"


async def died_then_retried(portal: Portal, send: Send) -> tuple[httpx.Response, httpx.Response]:
    """The first attempt commits and its process dies (no answer stored); the client retries the
    same request, with the same key, once the lease lapsed. Both answers, checked alike."""
    first, retried = await retried_after_death(portal.app, portal.client, send)
    assert 200 <= first.status_code < 300, first.text
    assert retried.status_code == first.status_code, retried.text
    assert "idempotent-replayed" not in retried.headers  # answered again, not from a stored answer
    return first, retried


def keyed(headers: dict[str, str] | None, key: str) -> dict[str, str]:
    return {**(headers or {}), HEADER: key}


async def count(portal: Portal, model: Any, *where: Any) -> int:
    async with portal.runtime.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(model).where(*where))).scalar_one())


async def audited(portal: Portal, action: str) -> int:
    return await count(portal, AuditEntry, AuditEntry.action == action)


async def timeline_count(portal: Portal, headers: dict[str, str], app_id: str, status: str) -> int:
    return [t["status"] for t in (await get_app(portal, headers, app_id))["timeline"]].count(status)


# --- accounts -------------------------------------------------------------------------------


@pytest.mark.replays("register")
async def test_register(portal: Portal) -> None:
    address = "daftar@example.id"
    body = {"first_name": "Budi", "last_name": "Santoso", "email": address, "phone": "081234567890",
            "is_individual": True, "data_truth_consent": True}
    first, retried = await died_then_retried(portal, lambda: portal.client.post(
        "/api/v1/auth/register", json=body, headers=keyed(None, "register-1")))
    assert first.status_code == 202 and retried.json() == first.json() and first.json()["email"] == address
    assert len(await emails_to(portal, address)) == 1  # one activation link, not a second "resend"
    assert await count(portal, User, User.email == address) == 1
    assert await audited(portal, "account.registered") == 1
    assert await audited(portal, "account.registration_repeated") == 0


@pytest.mark.replays("resend_activation")
async def test_resend_activation(portal: Portal) -> None:
    address = "kirim-ulang@example.id"
    assert (await portal.register(address)).status_code == 202
    first, retried = await died_then_retried(portal, lambda: portal.client.post(
        "/api/v1/auth/activation/resend", json={"email": address}, headers=keyed(None, "resend-1")))
    assert first.status_code == 202 and retried.json() == first.json()
    assert len(await emails_to(portal, address)) == 2  # the registration's and one resent link
    assert await audited(portal, "account.activation_resend_requested") == 1


@pytest.mark.replays("activate_account")
async def test_activate_account(portal: Portal) -> None:
    address = "aktif@example.id"
    assert (await portal.register(address)).status_code == 202
    token = activation_token_in((await emails_to(portal, address))[-1]["body"])
    body = {"token": token, "password": PASSWORD, "password_repeat": PASSWORD}
    first, retried = await died_then_retried(portal, lambda: portal.client.post(
        "/api/v1/auth/activate", json=body, headers=keyed(None, "activate-1")))
    assert first.status_code == 200 and retried.json() == first.json() and first.json()["email"] == address
    assert await audited(portal, "account.activated") == 1
    assert (await portal.login(address)).status_code == 200
    # Without the key the used link is refused, as ever: only this very request is answered.
    again = await portal.client.post("/api/v1/auth/activate", json=body)
    assert again.status_code == 410, again.text


@pytest.mark.replays("request_password_reset")
async def test_request_password_reset(portal: Portal) -> None:
    address = "lupa@example.id"
    await active_account(portal, address)
    before = len(await emails_to(portal, address))
    first, retried = await died_then_retried(portal, lambda: portal.client.post(
        "/api/v1/auth/password-reset", json={"email": address}, headers=keyed(None, "forgot-1")))
    assert first.status_code == 202 and retried.json() == first.json()
    assert len(await emails_to(portal, address)) == before + 1  # one reset link
    assert await audited(portal, "account.password_reset_requested") == 1


@pytest.mark.replays("reset_password")
async def test_reset_password(portal: Portal) -> None:
    address = "atur-ulang@example.id"
    await active_account(portal, address)
    assert (await portal.client.post("/api/v1/auth/password-reset", json={"email": address})).status_code == 202
    token = reset_token_in((await emails_to(portal, address))[-1]["body"])
    before = len(await emails_to(portal, address))
    body = {"token": token, "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD}
    first, retried = await died_then_retried(portal, lambda: portal.client.post(
        "/api/v1/auth/password-reset/confirm", json=body, headers=keyed(None, "reset-1")))
    assert first.status_code == 200 and retried.json() == first.json()
    assert len(await emails_to(portal, address)) == before + 1  # one "password changed" email
    assert await audited(portal, "account.password_reset_done") == 1
    assert (await portal.login(address, NEW_PASSWORD)).status_code == 200
    again = await portal.client.post("/api/v1/auth/password-reset/confirm", json=body)
    assert again.status_code == 410, again.text  # the link itself stays used


# --- applications ---------------------------------------------------------------------------


@pytest.mark.replays("submit_application")
async def test_submit_application(portal: Portal, applicant: dict[str, str]) -> None:
    app_id, _ = await portal.complete_draft(applicant)
    with respx.mock:
        route = respx.post(SIKI).mock(return_value=httpx.Response(202, json={}))
        first, retried = await died_then_retried(portal, lambda: portal.client.post(
            f"/api/v1/applications/{app_id}/submit", headers=keyed(applicant, "submit-1")))
    assert first.status_code == 200 and retried.json() == first.json()
    assert first.json()["status"] == "submitted" and first.json()["submission_no"] == 1
    assert route.call_count == 1
    assert await timeline_count(portal, applicant, app_id, "submitted") == 1


@pytest.mark.replays("upload_payment_proof")
async def test_upload_payment_proof(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    await advance(portal, app_id, PATH_TO_INVOICED)
    url = f"/api/v1/applications/{app_id}/payment-proof"
    # A retrying client sends the very same bytes (multipart boundary included).
    request = portal.client.build_request("POST", url, files={"file": ("bukti.pdf", PDF_BYTES, "application/pdf")},
                                          headers=keyed(applicant, "proof-1"))
    content = request.read()
    with respx.mock:
        route = respx.post(f"{SIKI}/{app_id}/payment-proofs").mock(return_value=httpx.Response(202, json={}))
        first, retried = await died_then_retried(portal, lambda: portal.client.post(
            url, content=content, headers=dict(request.headers)))
    assert first.status_code == 201 and retried.json() == first.json()
    assert (first.json()["proof_no"], first.json()["status"]) == (1, "payment_uploaded")
    assert route.call_count == 1
    assert await count(portal, Document, Document.kind == "payment_proof") == 1
    assert await timeline_count(portal, applicant, app_id, "payment_uploaded") == 1


@pytest.mark.replays("file_appeal")
async def test_file_appeal(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    await advance(portal, app_id, PATH_TO_INVOICED + PATH_TO_NYC)
    appeal = {"reason": "Asesmen tidak sesuai dengan skema yang berlaku."}
    with respx.mock:
        route = respx.post(f"{SIKI}/{app_id}/appeals").mock(return_value=httpx.Response(202, json={}))
        first, retried = await died_then_retried(portal, lambda: portal.client.post(
            f"/api/v1/applications/{app_id}/appeal", json=appeal, headers=keyed(applicant, "appeal-1")))
    assert first.status_code == 200 and retried.json() == first.json()
    assert first.json()["status"] == "appealed"
    assert route.call_count == 1
    assert await timeline_count(portal, applicant, app_id, "appealed") == 1


@pytest.mark.replays("withdraw_application")
async def test_withdraw_application(portal: Portal, applicant: dict[str, str]) -> None:
    app_id = await submitted(portal, applicant)
    await portal.feed(status_event(app_id, 1, "submitted"), status_event(app_id, 2, "forwarded", lsp_code="LSP-A"))
    with respx.mock:
        route = respx.post(f"{SIKI}/{app_id}/withdrawal").mock(return_value=httpx.Response(202, json={}))
        first, retried = await died_then_retried(portal, lambda: portal.client.post(
            f"/api/v1/applications/{app_id}/withdrawal", json={"reason": "Pindah kerja"},
            headers=keyed(applicant, "withdraw-1")))
    assert first.status_code == 200 and retried.json() == first.json()
    assert first.json()["status"] == "withdrawn"
    assert route.call_count == 1
    assert await timeline_count(portal, applicant, app_id, "withdrawn") == 1


# --- operators ------------------------------------------------------------------------------


@pytest.mark.replays("rebind_nik_binding")
async def test_rebind_nik_binding(portal: Portal) -> None:
    squatter = await portal.applicant("squat@example.id")
    await portal.complete_draft(squatter)  # binds the NIK to the squatter
    await portal.applicant("owner@example.id")
    operator = await create_operator_session(portal.client, "portal")
    body = {"nik": make_nik(), "account_email": "owner@example.id", "identity_check_reference": "KTP-CHECK-1"}
    with respx.mock:
        route = respx.post("http://siki.test/api/v1/nik-bindings").mock(return_value=httpx.Response(200, json={}))
        first, retried = await died_then_retried(portal, lambda: portal.client.post(
            "/api/v1/operator/nik-bindings", json=body, headers=keyed(operator, "rebind-1")))
    assert first.status_code == 200 and retried.json() == first.json()
    assert first.json()["previous_account_id"] is not None  # the squatter's, also in the retry's answer
    assert route.call_count == 1
    assert await count(portal, NikBindingAudit) == 1
    assert await audited(portal, "nik.rebound") == 1


@pytest.mark.replays("run_expiry_reminders")
async def test_run_expiry_reminders(portal: Portal) -> None:
    address = "pemegang@example.id"
    app_id = await portal.draft(await portal.applicant(address))
    await portal.feed(status_event(app_id, 1, "certificate_issued", certificate=certificate("SKK-9001")))
    operator = await create_operator_session(portal.client, "portal")
    as_of = {"as_of": (UNTIL - timedelta(days=90)).isoformat()}
    first, retried = await died_then_retried(portal, lambda: portal.client.post(
        "/api/v1/operator/expiry-reminders", json=as_of, headers=keyed(operator, "sweep-1")))
    assert first.status_code == 200 and retried.json() == first.json()
    assert [(r["skk_number"], r["threshold_days"]) for r in first.json()["sent"]] == [("SKK-9001", 90)]
    assert await count(portal, ExpiryReminder) == 1
    assert sum("SKK-9001" in m["body"] for m in await emails_to(portal, address)) == 1
