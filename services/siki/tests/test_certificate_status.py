"""LPJK's ``certificate.status_changed`` in SIKI (issue 16): the register takes each change once
and in order (a redelivered or late one changes and sends nothing), the NIK lookup (API and
operator page) shows the status, the ownership limits follow it, and the issuing LSP is told by
one signed webhook per change."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import respx
from standardwebhooks import Webhook

from services.siki.tests.conftest import NIK, WEBHOOK_A, Harness, eventually, running
from services.siki.tests.test_ownership import apply, fields, publish_recorded, refused_unchanged, submit_all
from services.siki.tests.test_web_pages import _csrf, _login, browser
from shared.bus import EventEnvelope
from shared.contracts.events import CERTIFICATE_STATUS_CHANGED
from shared.contracts.siki import CertificateStatusWebhookData, WebhookBody
from shared.devdefaults import dev_webhook_secret
from shared.operators import dev_operator_email

JK = "SI032002"


def change(app_id: str, seq: int, status: str, previous: str, *, reason: str | None = None,
           superseded_by: str | None = None) -> dict[str, Any]:
    return {"recording_number": f"LPJK-{app_id}", "skk_number": f"SKK-{app_id}", "application_id": app_id,
            "lsp_code": "LSP-A", "seq": seq, "status": status, "previous_status": previous, "reason": reason,
            "at": datetime.now(UTC).isoformat(), "superseded_by": superseded_by}


async def publish_change(h: Harness, payload: dict[str, Any], *, source: str = "lpjk") -> str:
    envelope = EventEnvelope(type=CERTIFICATE_STATUS_CHANGED, correlation_id=uuid.uuid4().hex,
                             application_id=payload["application_id"], source=source, payload=payload)
    await h.runtime.bus.publish(envelope)
    return envelope.id


async def skk(h: Harness, app_id: str) -> dict[str, Any]:
    q = await h.client.post("/api/v1/skk/query", json={"nik": NIK}, headers=h.operator)
    assert q.status_code == 200, q.text
    (found,) = [k for k in q.json()["skk"] if k["application_id"] == app_id]
    return dict(found)


async def consumed(h: Harness, event_id: str) -> bool:
    from sqlalchemy import select

    from services.siki.db.models import InboxEntry

    async with h.runtime.sessions() as s:
        return (await s.scalar(select(InboxEntry.event_id).where(InboxEntry.event_id == event_id))) is not None


async def _all_consumed(h: Harness, event_ids: list[str]) -> bool:
    return all([await consumed(h, event_id) for event_id in event_ids])


async def status_webhooks(h: Harness, app_id: str) -> list[dict[str, Any]]:
    return [d for d in await h.deliveries(application_id=app_id) if d["type"] == "certificate.status_changed"]


async def test_changes_apply_once_and_in_order_and_reach_the_lsp_signed(make_settings: Any,
                                                                        lsp_http: respx.MockRouter) -> None:
    sent: list[httpx.Request] = []

    def lsp(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(204)

    lsp_http.post(WEBHOOK_A).mock(side_effect=lsp)
    async with running(make_settings()) as h:
        await publish_recorded(h, "held", JK)
        fresh = await skk(h, "held")
        assert (fresh["status"], fresh["valid"], fresh["counts_as_held"], fresh["renewable"]) == (
            "active", True, True, True)

        first = await publish_change(h, change("held", 1, "suspended", "active", reason="SKK dipinjamkan"))
        await eventually(lambda: consumed(h, first), what="suspension consumed")
        suspended = await skk(h, "held")
        assert (suspended["status"], suspended["status_reason"], suspended["valid"], suspended["counts_as_held"],
                suspended["renewable"], suspended["revoked"]) == (
            "suspended", "SKK dipinjamkan", False, True, True, False)

        # The same change again (a redelivery by LPJK's outbox: a new event id, the same seq).
        again = await publish_change(h, change("held", 1, "suspended", "active", reason="SKK dipinjamkan"))
        await eventually(lambda: consumed(h, again), what="repeated change consumed")
        # Seq 3 (revoked) overtakes seq 2 (reinstated): the late seq 2 is not applied.
        third = await publish_change(h, change("held", 3, "revoked", "active", reason="SKK palsu"))
        await eventually(lambda: consumed(h, third), what="revocation consumed")
        late = await publish_change(h, change("held", 2, "active", "suspended"))
        await eventually(lambda: consumed(h, late), what="late reinstatement consumed")
        revoked = await skk(h, "held")
        assert (revoked["status"], revoked["status_reason"], revoked["revoked"], revoked["valid"],
                revoked["counts_as_held"], revoked["renewable"]) == ("revoked", "SKK palsu", True, False, False, False)

        # One webhook per applied change (seq 1 and 3), to the issuing LSP, each delivered once.
        async def delivered() -> bool:
            hooks = await status_webhooks(h, "held")
            return len(hooks) == 2 and all(d["status"] == "delivered" for d in hooks)

        await eventually(delivered, what="both status webhooks delivered")
        assert {d["lsp_code"] for d in await status_webhooks(h, "held")} == {"LSP-A"}
    bodies = [(r, r.content.decode()) for r in sent]
    status_bodies = [(r, raw) for r, raw in bodies if json.loads(raw)["type"] == "certificate.status_changed"]
    assert len(status_bodies) == 2
    seen = []
    for request, raw in status_bodies:
        payload = Webhook(dev_webhook_secret("LSP-A")).verify(raw, dict(request.headers))  # signed for LSP-A
        body = WebhookBody.model_validate(payload)
        data = CertificateStatusWebhookData.model_validate(body.data)
        assert data.application_id == "held" and data.recording_number == "LPJK-held" and data.skk_number == "SKK-held"
        seen.append((data.seq, data.status.value, data.previous_status.value, data.reason))
    assert sorted(seen) == [(1, "suspended", "active", "SKK dipinjamkan"), (3, "revoked", "active", "SKK palsu")]


async def test_a_change_before_its_skk_is_recorded_applies_when_it_is(make_settings: Any,
                                                              lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        early = await publish_change(h, change("early", 2, "revoked", "suspended", reason="SKK palsu"))
        earlier = await publish_change(h, change("early", 1, "suspended", "active", reason="pemeriksaan"))
        await eventually(lambda: _all_consumed(h, [early, earlier]), what="the early changes kept")
        await publish_recorded(h, "early", JK)
        # The newest of the kept changes applies when the SKK is entered; its webhook goes once.
        entered = await skk(h, "early")
        assert (entered["status"], entered["status_reason"]) == ("revoked", "SKK palsu")
        await eventually(lambda: _one_delivered(h, "early"), what="its webhook delivered")
        # Seq 1 arriving again now changes nothing.
        again = await publish_change(h, change("early", 1, "suspended", "active"))
        await eventually(lambda: consumed(h, again), what="the repeat")
        assert (await skk(h, "early"))["status"] == "revoked"
        assert len(await status_webhooks(h, "early")) == 1


async def _one_delivered(h: Harness, app_id: str) -> bool:
    hooks = await status_webhooks(h, app_id)
    return len(hooks) == 1 and hooks[0]["status"] == "delivered"


async def test_a_change_from_anyone_but_lpjk_is_refused(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        await publish_recorded(h, "held", JK)
        forged = await publish_change(h, change("held", 1, "revoked", "active"), source="portal")
        genuine = await publish_change(h, change("held", 1, "suspended", "active"))
        await eventually(lambda: consumed(h, genuine), what="the genuine change")
        assert not await consumed(h, forged)
        assert (await skk(h, "held"))["status"] == "suspended"


async def test_limits_follow_the_status(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        await publish_recorded(h, "held", JK)
        # Suspended: still held, a new application for its jabatan kerja is refused (renew it).
        done = await publish_change(h, change("held", 1, "suspended", "active"))
        await eventually(lambda: consumed(h, done), what="suspension")
        problem = await refused_unchanged(h, apply(JK))
        assert fields(problem) == ["qualification.jabatan_kerja_code"]
        assert "perpanjangan" in problem["errors"][0]["message"]
        # Revoked: no longer held, the jabatan kerja is free.
        done = await publish_change(h, change("held", 2, "revoked", "suspended", reason="SKK palsu"))
        await eventually(lambda: consumed(h, done), what="revocation")
        await submit_all(h, [apply(JK)])


async def test_a_superseded_skk_is_replaced_by_its_successor(make_settings: Any,
                                                            lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        await publish_recorded(h, "old", JK)
        await publish_recorded(h, "renewal", JK)  # the renewal's certificate, same jabatan kerja
        done = await publish_change(h, change("old", 1, "superseded", "active", superseded_by="LPJK-renewal"))
        await eventually(lambda: consumed(h, done), what="superseded")
        old = await skk(h, "old")
        assert (old["status"], old["superseded_by"], old["counts_as_held"], old["renewable"]) == (
            "superseded", "LPJK-renewal", False, False)
        # The successor still holds the jabatan kerja (counted once: one refusal, not two).
        problem = await refused_unchanged(h, apply(JK))
        assert fields(problem) == ["qualification.jabatan_kerja_code"]


async def test_the_operator_page_shows_the_status(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h, browser(h) as c:
        await publish_recorded(h, "held", JK)
        done = await publish_change(h, change("held", 1, "revoked", "active", reason="SKK palsu"))
        await eventually(lambda: consumed(h, done), what="revocation")
        await _login(c, dev_operator_email("siki"))
        page = await c.post("/register", data={"csrf_token": _csrf((await c.get("/register")).text), "nik": NIK})
        assert page.status_code == 200
        assert 'data-status="revoked"' in page.text and "Dicabut" in page.text
        assert "Alasan: SKK palsu" in page.text and "Tidak dapat diperpanjang" in page.text


async def test_every_type_bound_to_sikis_queues_has_a_handler(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    """Every service declares every queue with the catalogue's bindings (QUEUES), so SIKI must
    handle each type bound to its queues: certificate.status_changed included."""
    from shared.contracts.events import QUEUES

    async with running(make_settings()) as h:
        subscribed: dict[str, set[str]] = {}
        for sub in h.runtime.bus.subscriptions:
            subscribed.setdefault(sub.queue, set()).update(sub.patterns)
    assert CERTIFICATE_STATUS_CHANGED in QUEUES["siki"]
    for queue in ("siki", "siki.webhooks"):
        assert set(QUEUES[queue]) <= subscribed[queue], queue


async def test_on_postgresql_the_register_and_the_limits_follow_the_status(pg_url: str,
                                                                           lsp_http: respx.MockRouter) -> None:
    """The same on PostgreSQL (its row locks, its date-to-text cast in the limits' query)."""
    from services.siki.tests.conftest import build_settings

    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(build_settings(pg_url)) as h:
        early = await publish_change(h, change("held", 1, "suspended", "active", reason="pemeriksaan"))
        await eventually(lambda: consumed(h, early), what="the early change kept")
        await publish_recorded(h, "held", JK)
        assert (await skk(h, "held"))["status"] == "suspended"
        problem = await refused_unchanged(h, apply(JK))
        assert fields(problem) == ["qualification.jabatan_kerja_code"]
        late = await publish_change(h, change("held", 3, "revoked", "suspended", reason="SKK palsu"))
        stale = await publish_change(h, change("held", 2, "active", "suspended"))
        await eventually(lambda: _all_consumed(h, [late, stale]), what="both changes")
        revoked = await skk(h, "held")
        assert (revoked["status"], revoked["counts_as_held"], revoked["renewable"]) == ("revoked", False, False)
        await submit_all(h, [apply(JK)])
        await eventually(lambda: _delivered_count(h, "held", 2), what="two status webhooks delivered")


async def _delivered_count(h: Harness, app_id: str, count: int) -> bool:
    hooks = await status_webhooks(h, app_id)
    return len(hooks) == count and all(d["status"] == "delivered" for d in hooks)
