"""SIKI's ``certificate.status_changed`` webhook at the LSP (issue 16): signed or refused, kept
on the application once per webhook id and only when newer by ``seq`` (a late or repeated change
takes nothing back), shown in the API view and on the staff page, audited; the application's
own status does not move."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import respx

from services.lsp.tests.support import running, settings_for, signed
from services.lsp.tests.test_completion import audit, certificate_issued
from services.lsp.tests.test_web_pages import signed_in

TYPE = "certificate.status_changed"


def change(aid: str, seq: int, status: str, previous: str, *, reason: str | None = None,
           superseded_by: str | None = None) -> dict[str, Any]:
    return {"application_id": aid, "recording_number": "N", "skk_number": "SKK-1", "seq": seq, "status": status,
            "previous_status": previous, "reason": reason, "at": datetime.now(UTC).isoformat(),
            "superseded_by": superseded_by}


async def test_status_changes_are_kept_once_and_in_order(sqlite_url: str, siki: respx.Route) -> None:
    async with running(settings_for(sqlite_url)) as lsp:
        aid = await certificate_issued(lsp)
        assert (await lsp.get(aid))["certificate_status"] is None  # as issued

        r = await lsp.webhook(TYPE, change(aid, 1, "suspended", "active", reason="SKK dipinjamkan"),
                              webhook_id="msg_s1")
        assert r.status_code == 200 and r.json()["outcome"] == "updated", r.text
        view = await lsp.get(aid)
        assert view["status"] == "certificate_issued"  # SIKI's timeline is not the certificate's status
        cs = view["certificate_status"]
        assert (cs["status"], cs["previous_status"], cs["seq"], cs["reason"]) == (
            "suspended", "active", 1, "SKK dipinjamkan")

        # The same webhook again: a duplicate; the same change under a new id: already received.
        again = await lsp.webhook(TYPE, change(aid, 1, "suspended", "active"), webhook_id="msg_s1")
        assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
        other = await lsp.webhook(TYPE, change(aid, 1, "suspended", "active"))
        assert other.status_code == 200 and other.json()["outcome"] == "already received"

        # Seq 3 overtakes seq 2: the late seq 2 takes nothing back.
        assert (await lsp.webhook(TYPE, change(aid, 3, "superseded", "active",
                                               superseded_by="N-2"))).json()["outcome"] == "updated"
        late = await lsp.webhook(TYPE, change(aid, 2, "active", "suspended"))
        assert late.status_code == 200 and late.json()["outcome"] == "already received"
        cs = (await lsp.get(aid))["certificate_status"]
        assert (cs["status"], cs["seq"], cs["superseded_by"], cs["reason"]) == ("superseded", 3, "N-2", None)
        entries = await audit(lsp, "certificate.status_changed")
        assert [(e.actor, e.detail["seq"], e.detail["status"]) for e in entries] == [
            ("SIKI", 1, "suspended"), ("SIKI", 3, "superseded")]


async def test_bad_signature_or_body_changes_nothing(sqlite_url: str, siki: respx.Route) -> None:
    async with running(settings_for(sqlite_url)) as lsp:
        aid = await certificate_issued(lsp)
        body = {"type": TYPE, "timestamp": datetime.now(UTC).isoformat(), "data": change(aid, 1, "revoked", "active")}
        raw, headers = signed("whsec_" + "QUJD" * 8, body)  # another secret
        r = await lsp.client.post("/api/v1/webhooks/siki", content=raw, headers=headers)
        assert r.status_code == 401 and r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["errors"][0]["field"] == "webhook-signature"
        bad = await lsp.webhook(TYPE, {**change(aid, 1, "revoked", "active"), "status": "lost"})
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "data.status", bad.text
        unknown = await lsp.webhook(TYPE, change("no-such-application", 1, "revoked", "active"))
        assert unknown.status_code == 404, unknown.text
        assert (await lsp.get(aid))["certificate_status"] is None
        assert await audit(lsp, "certificate.status_changed") == []


async def test_the_staff_page_shows_the_status(sqlite_url: str, siki: respx.Route) -> None:
    async with running(settings_for(sqlite_url)) as lsp:
        aid = await certificate_issued(lsp)
        async with signed_in(lsp, "admin") as client:
            page = await client.get(f"/permohonan/{aid}")
            assert 'data-status="active"' in page.text and "Berlaku" in page.text
            r = await lsp.webhook(TYPE, change(aid, 1, "revoked", "active", reason="SKK palsu"))
            assert r.status_code == 200, r.text
            page = await client.get(f"/permohonan/{aid}")
            assert page.status_code == 200
            assert 'data-status="revoked"' in page.text and "Dicabut" in page.text and "Alasan: SKK palsu" in page.text


