"""Every keyed POST of SIKI retried after its process died between the commit of its effects and
the storing of its answer (shared/idempotency_marks.py): the retry, once the dead claim's lease
lapsed, answers as the first attempt did (or with the state now, where the application or the
registry moved on meanwhile) and takes no effect a second time. Where the world can move between
the death and the retry (the LSP decides an appeal, another operator rebinds or rotates), the
test moves it: a handler that checks the state before its replay notes refuses or acts again."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx
from sqlalchemy import func, select, text

from services.siki.db.models import Application, Lsp
from services.siki.tests.conftest import (
    NIK,
    WEBHOOK_A,
    Harness,
    build_settings,
    eventually,
    report,
    running,
    submission,
)
from services.siki.tests.test_deadlines import invoiced, proof
from services.siki.tests.test_nik_binding import bindings
from services.siki.tests.test_ownership import JK, apply, decide, submit_all
from services.siki.tests.test_refused_reports import forwarded
from services.siki.tests.test_webhooks import FlakyLsp, _delivery, _has_status, _submitted_until
from shared.idempotency import HEADER
from shared.tests.idempotency_support import LEASE_AFTER_DEATH, dying_after_commit
from shared.web.formats import today_jakarta

Send = Callable[[], Awaitable[httpx.Response]]
LSP_X: dict[str, Any] = {"code": "LSP-X", "name": "LSP Pihak Ketiga", "webhook_url": "https://lsp-x.example/hooks/siki",
                         "jabatan_kerja_codes": ["SI012022"]}


@pytest.fixture(params=["sqlite_url", "pg_url"])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(request.param))


def keyed(h: Harness, path: str, headers: dict[str, str], body: dict[str, Any] | None = None,
          key: str = "death-1") -> Send:
    """The same POST, the same bytes and the same key every time it is sent."""
    async def send() -> httpx.Response:
        return await h.client.post(path, json=body, headers={**headers, HEADER: key})
    return send


Answers = tuple[httpx.Response, httpx.Response]


async def died_then_retried(h: Harness, send: Send, between: Callable[[], Awaitable[None]] | None = None) -> Answers:
    """The first attempt commits and its process dies (no answer stored, the claim not released);
    ``between`` happens meanwhile; the client retries once the lease lapsed. Same status code."""
    if h.app.middleware_stack is None:
        await h.client.get("/healthz")  # builds the middleware stack
    with dying_after_commit(h.app):
        first = await send()
    assert first.is_success, first.text
    await asyncio.sleep(LEASE_AFTER_DEATH + 0.1)
    if between is not None:
        await between()
    again = await send()
    assert again.status_code == first.status_code, again.text
    return first, again


async def statuses(h: Harness, app_id: str) -> list[str]:
    return [e["status"] for e in await h.timeline(app_id)]


async def webhooks(h: Harness, app_id: str) -> list[str]:
    return sorted(d["type"] for d in await h.deliveries(application_id=app_id))


async def audited(h: Harness, action: str) -> list[dict[str, Any]]:
    r = await h.client.get("/api/v1/audit-events", params={"action": action}, headers=h.operator)
    assert r.status_code == 200, r.text
    return list(r.json())


@pytest.mark.replays("submit_application")
async def test_a_submission_retried_after_a_death_is_routed_once(url: str, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(200)
    async with running(build_settings(url)) as h:
        body = submission()
        first, again = await died_then_retried(h, keyed(h, "/api/v1/applications", h.portal, body))
        assert first.status_code == 202 and again.json() == first.json()
        async with h.runtime.sessions() as s:
            assert await s.scalar(select(func.count()).select_from(Application)) == 1
        assert (await statuses(h, body["id"])).count("submitted") == 1
        assert await webhooks(h, body["id"]) == ["application.submitted"]
        events = [e for e in await h.outbox("application.status_changed") if e["application_id"] == body["id"]]
        assert [e["status"] for e in events] == await statuses(h, body["id"])


@pytest.mark.replays("upload_payment_proof")
async def test_a_payment_proof_retried_after_a_death_is_sent_once(make_settings: Any,
                                                                 lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        app_id = await invoiced(h, today_jakarta())
        send = keyed(h, f"/api/v1/applications/{app_id}/payment-proofs", h.portal, proof(1))

        async def verified() -> None:  # the LSP verified the proof before the retry came
            assert (await h.report(app_id, report("payment_verified"))).status_code == 200

        first, again = await died_then_retried(h, send, verified)
        assert first.status_code == 202 and first.json()["status"] == "payment_uploaded"
        assert again.json() == {**first.json(), "status": "payment_verified"}  # the same application, as it is now
        assert (await statuses(h, app_id))[-2:] == ["payment_uploaded", "payment_verified"]
        assert await webhooks(h, app_id) == ["application.submitted", "payment.proof_uploaded"]


@pytest.mark.replays("file_appeal")
async def test_an_appeal_retried_after_a_death_is_answered_not_refused(url: str, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(build_settings(url)) as h:
        body = apply(JK[0])
        await submit_all(h, [body])
        app_id = body["id"]
        await decide(h, app_id, "not_yet_competent")
        appeal = {"reason": "Asesor tidak menilai portofolio saya", "filed_at": datetime.now(UTC).isoformat()}
        send = keyed(h, f"/api/v1/applications/{app_id}/appeals", h.portal, appeal)

        async def rejected() -> None:  # the LSP decided the appeal before the retry came
            r = await h.report(app_id, report("appeal_rejected", reasons=["Penilaian sudah sesuai"]))
            assert r.status_code == 200, r.text

        # Checked first, the state (no longer appealable) refused the retry 409 though it was filed.
        first, again = await died_then_retried(h, send, rejected)
        assert first.status_code == 202 and first.json()["status"] == "appealed"
        assert again.json() == {**first.json(), "status": "appeal_rejected"}
        assert (await statuses(h, app_id))[-2:] == ["appealed", "appeal_rejected"]
        assert (await webhooks(h, app_id)).count("appeal.filed") == 1


@pytest.mark.replays("withdraw_application")
async def test_a_withdrawal_retried_after_a_death_is_told_once(make_settings: Any,
                                                              lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        body = submission()
        assert (await h.submit(body)).status_code == 202
        assert (await h.report(body["id"], report("accepted"))).status_code == 200  # the LSP has it: told
        send = keyed(h, f"/api/v1/applications/{body['id']}/withdrawal", h.portal, {"reason": "pindah kerja"})
        first, again = await died_then_retried(h, send)
        assert first.status_code == 202 and again.json() == first.json()
        assert (await statuses(h, body["id"])).count("withdrawn") == 1
        assert (await webhooks(h, body["id"])).count("application.withdrawn") == 1


async def _sealed(h: Harness, *secrets: str) -> None:
    """No claim's stored notes or answer shows these in the clear."""
    async with h.runtime.engine.connect() as conn:
        stored = [bytes(r) if not isinstance(r, str) else r.encode()
                  for r in (await conn.execute(text("SELECT body FROM idempotency_keys"))).scalars() if r is not None]
    assert stored and not any(secret.encode() in raw for raw in stored for secret in secrets)


async def _in_force(h: Harness, code: str, answer: dict[str, Any]) -> Lsp:
    async with h.runtime.sessions() as s:
        row = await s.get(Lsp, code)
    assert row is not None and row.webhook_secret == answer["webhook_secret"]
    assert row.api_key_sha256 == hashlib.sha256(answer["api_key"].encode()).hexdigest()
    return row


@pytest.mark.replays("register_lsp")
async def test_a_registration_retried_after_a_death_gives_its_credentials_again(url: str) -> None:
    async with running(build_settings(url)) as h:
        send = keyed(h, "/api/v1/lsps", h.operator, LSP_X)
        answers: list[dict[str, Any]] = []

        async def register() -> httpx.Response:
            r = await send()
            answers.append(r.json())
            return r

        async def sealed_notes() -> None:  # what the dead attempt left: its credentials, sealed
            await _sealed(h, answers[0]["webhook_secret"], answers[0]["api_key"])

        # The code checked first, the retry was refused 409 "already registered": the credentials lost.
        first, again = await died_then_retried(h, register, sealed_notes)
        assert first.status_code == 201 and again.json() == first.json()
        await _in_force(h, "LSP-X", again.json())
        await _sealed(h, again.json()["webhook_secret"], again.json()["api_key"])
        async with h.runtime.sessions() as s:
            assert await s.scalar(select(func.count()).select_from(Lsp).where(Lsp.code == "LSP-X")) == 1
        assert len(await audited(h, "lsp.registered")) == 1


@pytest.mark.replays("rotate_lsp_secret")
async def test_a_rotation_retried_after_a_death_gives_the_credentials_in_force(url: str) -> None:
    async with running(build_settings(url)) as h:
        registered = await h.client.post("/api/v1/lsps", json=LSP_X, headers=h.operator)
        assert registered.status_code == 201, registered.text
        send = keyed(h, "/api/v1/lsps/LSP-X/rotate-secret?grace_seconds=600", h.operator)
        # Run again, the retry rotated a second time: the answer's secret was not the one in force
        # and the registration's secret, still in its grace period, was dropped.
        first, again = await died_then_retried(h, send)
        assert first.status_code == 200 and again.json() == first.json()
        row = await _in_force(h, "LSP-X", again.json())
        assert row.previous_webhook_secret == registered.json()["webhook_secret"]
        await _sealed(h, again.json()["webhook_secret"], again.json()["api_key"])
        assert len(await audited(h, "lsp.secret_rotated")) == 1


async def test_a_rotation_retried_after_a_later_rotation_is_refused_not_repeated(make_settings: Any) -> None:
    async with running(make_settings()) as h:
        assert (await h.client.post("/api/v1/lsps", json=LSP_X, headers=h.operator)).status_code == 201
        path = "/api/v1/lsps/LSP-X/rotate-secret"
        later: list[dict[str, Any]] = []

        async def rotated_again() -> None:  # another operator rotated meanwhile (another key)
            r = await h.client.post(path, headers={**h.operator, HEADER: "other"})
            assert r.status_code == 200, r.text
            later.append(r.json())

        if h.app.middleware_stack is None:
            await h.client.get("/healthz")
        send = keyed(h, path, h.operator)
        with dying_after_commit(h.app):
            assert (await send()).status_code == 200
        await asyncio.sleep(LEASE_AFTER_DEATH + 0.1)
        await rotated_again()
        # The lost credentials are no longer in force and the later ones are that operator's:
        # refused, nothing rotated a third time.
        again = await send()
        assert again.status_code == 409 and "rotated again" in again.json()["detail"], again.text
        await _in_force(h, "LSP-X", later[0])
        assert len(await audited(h, "lsp.secret_rotated")) == 2


@pytest.mark.replays("rebind_nik")
async def test_a_rebinding_retried_after_a_death_is_not_done_again(make_settings: Any,
                                                                  lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        await submit_all(h, [apply(JK[0], account="squatter")])
        send = keyed(h, "/api/v1/nik-bindings", h.operator, {"nik": NIK, "account_id": "owner"})

        async def rebound_elsewhere() -> None:  # a later identity check gave it to another account
            r = await h.client.post("/api/v1/nik-bindings", json={"nik": NIK, "account_id": "third"},
                                    headers=h.operator)
            assert r.status_code == 200, r.text

        # Run again, the retry bound the NIK back to "owner", undoing the later decision.
        first, again = await died_then_retried(h, send, rebound_elsewhere)
        assert first.json() == {"nik_masked": "317101********01", "account_id": "owner"}
        assert again.json() == {**first.json(), "account_id": "third"}  # the binding as it is now
        bound, audit = await bindings(h)
        assert bound == [(NIK, "third")]
        assert [(a["old"], a["new"]) for a in audit] == [("squatter", "owner"), ("owner", "third")]


@pytest.mark.replays("resolve_refused_report")
async def test_a_resolution_retried_after_a_death_is_applied_once(make_settings: Any,
                                                                 lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(200)
    async with running(make_settings()) as h:
        body = submission()
        app_id = body["id"]
        assert (await h.submit(body)).status_code == 202
        await eventually(lambda: forwarded(h, app_id), what="forwarded")
        early = report("invoiced", report_id="rep-early", invoice={
            "number": "INV-7", "amount": "1500000", "currency": "IDR", "issued_at": datetime.now(UTC).isoformat(),
            "due_date": today_jakarta().isoformat()})
        assert (await h.report(app_id, early)).status_code == 409
        assert (await h.report(app_id, report("accepted"))).status_code == 200
        send = keyed(h, "/api/v1/refused-reports/rep-early/resolution", h.operator,
                     {"resolution": "accepted", "note": "invoice sent before acceptance"})
        first, again = await died_then_retried(h, send)
        assert first.status_code == 200 and again.json() == first.json()
        assert (await statuses(h, app_id)).count("invoiced") == 1
        assert len(await audited(h, "status_report.refusal_resolved")) == 1


@pytest.mark.replays("redeliver_webhook")
async def test_a_redelivery_retried_after_a_death_is_answered_not_refused(make_settings: Any,
                                                                         lsp_http: respx.MockRouter) -> None:
    lsp = FlakyLsp(3, refuse=True)
    lsp_http.post(WEBHOOK_A).mock(side_effect=lsp)
    async with running(make_settings(webhook_max_attempts=3)) as h:
        app_id, dead = await _submitted_until(h, "dead")
        send = keyed(h, f"/api/v1/webhook-deliveries/{dead['id']}/redeliver", h.operator)

        async def delivered() -> None:  # the redelivery reached the LSP before the retry came
            await eventually(lambda: _has_status(h, app_id, "delivered"), what="redelivered")

        # Checked first, the state (delivered: not redeliverable) refused the retry 409.
        first, again = await died_then_retried(h, send, delivered)
        assert first.status_code == 202 and first.json()["status"] == "pending"
        now = await _delivery(h, app_id)
        assert again.json() == {**now, "attempts": []}  # the same delivery, as it is now (no attempts, as the first)
        assert again.json()["id"] == first.json()["id"] and now["status"] == "delivered"
        assert now["redeliveries"] == 1 and len(await audited(h, "webhook.redelivered")) == 1
    assert len(lsp.requests) == 4
