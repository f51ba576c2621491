"""SIKI's commands, reads, operators' lists, consumers and webhook deliveries read its growing
tables through indexes, so that their cost does not grow with the applications SIKI has seen
(shared/tests/plans.py: a generic plan, as asyncpg's prepared statements come to use, could
turn a lookup into a full scan)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
import respx

from services.siki.tests.conftest import WEBHOOK_A, Harness, build_settings, eventually, report, running
from services.siki.tests.kinds_support import of_kind, register, set_status
from services.siki.tests.test_application_forms import APL02, UNSIGNED, _form
from services.siki.tests.test_certificate_status import change, consumed, publish_change
from services.siki.tests.test_completion_webhook import issue_certificate
from services.siki.tests.test_documents import PORTAL, PORTAL_DOCS, portal_answer
from services.siki.tests.test_ownership import JK, apply, decide, publish_recorded, submit_all
from shared.contracts.events import CERTIFICATE_DOWNLOADED
from shared.tests.plans import described, full_scans, statements_of

GROWING = ["applications", "timeline", "status_reports", "webhook_deliveries", "webhook_attempts", "skk_register",
           "skk_status_parked", "documents", "nik_bindings", "nik_binding_audit", "refused_reports",
           "application_forms", "outbox", "inbox", "idempotency_keys", "audit_log"]
DEAD = "dead-"  # the LSP answers 500 to the webhooks of these applications: their deliveries die


def lsp_webhook(request: httpx.Request) -> httpx.Response:
    return httpx.Response(500 if f'"{DEAD}'.encode() in request.content else 204)


async def applicant_journeys(h: Harness) -> None:
    """The portal's and the LSPs' calls over applications of every kind, and LPJK's events."""
    issued = await issue_certificate(h)
    assert (await h.client.get(f"/api/v1/applications/{issued}/certificate", headers=h.portal)).status_code == 200
    await h.publish(CERTIFICATE_DOWNLOADED, {"application_id": issued, "user_id": "user-1",
                                             "at": datetime.now(UTC).isoformat()}, issued)
    url = f"/api/v1/applications/{issued}/forms"
    upload = {"forms": [_form("apl01", UNSIGNED), _form("apl02", APL02)]}
    assert (await h.client.put(url, json=upload, headers=h.lsp_a)).status_code == 200
    assert (await h.client.get(f"{url}/apl01", headers=h.portal)).status_code == 200
    fetched = await h.client.get(f"/api/v1/applications/{issued}/documents/doc-ktp", headers=h.lsp_a)
    assert fetched.status_code == 200, fetched.text

    failed, withdrawn = apply(JK[0]), apply(JK[2], app_id=f"{DEAD}withdrawn")
    await submit_all(h, [failed, withdrawn])
    await decide(h, failed["id"], "not_yet_competent")
    appeal = {"reason": "Saya keberatan dengan hasil asesmen.", "filed_at": datetime.now(UTC).isoformat()}
    r = await h.client.post(f"/api/v1/applications/{failed['id']}/appeals", json=appeal, headers=h.portal)
    assert r.status_code == 202, r.text
    r = await h.client.post(f"/api/v1/applications/{withdrawn['id']}/withdrawal", json={"reason": "pindah"},
                            headers=h.portal)
    assert r.status_code == 202, r.text
    assert (await h.client.get(f"/api/v1/applications/{failed['id']}/eligibility",
                               headers=h.lsp_a)).status_code == 200
    # A report the state machine refuses: kept for the operators, then dismissed.
    early = await h.report(failed["id"], report("recorded", report_id="rep-refused"))
    assert early.status_code == 409, early.text
    r = await h.client.post("/api/v1/refused-reports/rep-refused/resolution",
                            json={"resolution": "dismissed", "note": "dicek"}, headers=h.operator)
    assert r.status_code == 200, r.text

    # LPJK's register: a recorded SKK, its status changes (one parked until the SKK arrives),
    # then a renewal and a change of held SKK.
    parked = await publish_change(h, change("parked", 1, "suspended", "active"))
    await eventually(lambda: consumed(h, parked), what="the parked change consumed")
    await publish_recorded(h, "parked", JK[3])
    held, changed = await register(h, JK[4]), await register(h, JK[5])
    await set_status(h, held, "suspended")
    await set_status(h, held, "active", previous="suspended")
    for kind, skk in (("perpanjangan", held), ("perubahan", changed)):
        r = await h.submit(of_kind(kind, skk))
        assert r.status_code == 202, (kind, r.text)
    r = await h.client.post("/api/v1/nik-bindings", json={"nik": apply(JK[0])["nik"], "account_id": "user-2"},
                            headers=h.operator)
    assert r.status_code == 200, r.text
    keyed = {**h.portal, "Idempotency-Key": "plans-1"}
    for _ in range(2):  # the second answered from the stored answer
        assert (await h.client.post("/api/v1/skk/query", json={"nik": "3171011708900001"},
                                    headers=keyed)).status_code == 200


async def operators_lists(h: Harness, some_application: str) -> None:
    """Every list operators page through, unfiltered and by each filter, and a redelivery."""
    async def dead() -> list[dict[str, object]]:
        return await h.deliveries(status="dead")

    await eventually(dead, what="a dead delivery")
    (gone, *_) = await dead()
    r = await h.client.post(f"/api/v1/webhook-deliveries/{gone['id']}/redeliver", headers=h.operator)
    assert r.status_code == 202, r.text
    filters = ("", "?lsp_code=LSP-A", f"?application_id={some_application}", "?offset=2")
    for url in ([f"/api/v1/webhook-deliveries{q}" for q in (*filters, "?status=dead")]
                + [f"/api/v1/refused-reports{q}" for q in (*filters, "?state=open")]
                + ["/api/v1/lsps", "/api/v1/audit-events", "/api/v1/audit-events?action=register.nik_lookup"]):
        r = await h.client.get(url, headers=h.operator)
        assert r.status_code == 200, (url, r.text)


@pytest.mark.postgres
async def test_journeys_lists_and_deliveries_never_read_a_growing_table_whole(
        pg_url: str, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).mock(side_effect=lsp_webhook)
    lsp_http.get(url__regex=PORTAL_DOCS).mock(side_effect=portal_answer)
    async with running(build_settings(pg_url, portal_url=PORTAL, http_retries=0)) as h:
        engine = h.runtime.engine
        async with statements_of(engine) as sent:
            await applicant_journeys(h)
            await operators_lists(h, f"{DEAD}withdrawn")
            await h.app.state.idempotency.purge_expired()
        assert len(sent) > 40
        found = await full_scans(engine, sent, GROWING)
        assert not found, described(found)
