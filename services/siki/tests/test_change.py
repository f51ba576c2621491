"""A change (perubahan) of the holder's data at SIKI: the held SKK from SIKI's register (active
and not expired), the changed fields, one change per SKK, the register's record forwarded to the
LSP; the flow (accepted -> competent, never invoiced); the register after the change's new
certificate (the same SKK number: two rows, the old one superseded) and the limits counting one SKK."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import respx

from services.siki.tests.conftest import WEBHOOK_A, build_settings, report, running
from services.siki.tests.kinds_support import (
    TODAY,
    LspInbox,
    fields,
    of_kind,
    refused,
    register,
    set_status,
    skk_row,
    skk_rows,
)
from services.siki.tests.test_ownership import JK, apply


async def test_a_change_is_forwarded_verified_and_decided_without_invoice(make_settings: Any,
                                                                         lsp_http: respx.MockRouter) -> None:
    inbox = LspInbox()
    lsp_http.post(WEBHOOK_A).mock(side_effect=inbox)
    async with running(make_settings()) as h:
        # No window for a change: years before expiry.
        held = await register(h, "SI012022", valid_until=TODAY + timedelta(days=1500))
        body = of_kind("perubahan", held)
        assert (await h.submit(body)).status_code == 202
        (sent,) = await inbox.wait("application.submitted", body["id"])
        assert (sent["application_kind"], sent["changed_fields"]) == ("perubahan", ["full_name"])
        assert sent["previous_certificate"]["recording_number"] == held.recording_number
        assert sent["previous_certificate"]["valid_until"] == held.valid_until.isoformat()
        assert sent["previous_certificate"]["status"] == "active"

        assert (await h.report(body["id"], report("accepted"))).status_code == 200
        # Never invoiced: refused for good, kept for the operators, nothing changed.
        r = await h.report(body["id"], report("invoiced", report_id="change-invoiced"))
        assert r.status_code == 409 and "no invoice" in r.json()["detail"], r.text
        assert r.json()["allowed"] == ["competent", "withdrawn"]
        assert [t["status"] for t in await h.timeline(body["id"])][-1] == "accepted"
        kept = await h.client.get("/api/v1/refused-reports", headers=h.operator)
        assert "change-invoiced" in kept.text
        for status in ("competent", "skk_numbered", "recorded"):
            assert (await h.report(body["id"], report(status))).status_code == 200, status


async def test_each_refusal_names_its_field_and_changes_nothing(make_settings: Any,
                                                                lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        held = await register(h, "SI012022", valid_until=TODAY + timedelta(days=1500))
        r = await refused(h, of_kind("perubahan", None))
        assert fields(r) == ["previous_skk_number"]
        r = await refused(h, of_kind("perubahan", held, changed_fields=[]))
        assert fields(r) == ["changed_fields"]
        r = await refused(h, of_kind("perubahan", held, jk="SI012001"))
        assert fields(r)[0] == "jabatan_kerja_code"

        # Suspended (a change would lift the suspension), expired (renew instead), revoked.
        suspended = await register(h, "SI032002", valid_until=TODAY + timedelta(days=1500))
        await set_status(h, suspended, "suspended")
        r = await refused(h, of_kind("perubahan", suspended))
        assert fields(r) == ["previous_skk_number"] and "dibekukan" in r.json()["errors"][0]["message"]
        expired = await register(h, "SI152001", valid_until=TODAY - timedelta(days=1))
        r = await refused(h, of_kind("perubahan", expired))
        assert fields(r) == ["previous_skk_number"] and "perpanjangan" in r.json()["errors"][0]["message"]
        revoked = await register(h, "ME022008", valid_until=TODAY + timedelta(days=1500))
        await set_status(h, revoked, "revoked")
        r = await refused(h, of_kind("perubahan", revoked))
        assert fields(r) == ["previous_skk_number"]

        # A baru names no held SKK and changes nothing.
        r = await refused(h, {**apply("SI012001"), "previous_skk_number": held.skk_number,
                              "changed_fields": ["full_name"]})
        assert fields(r) == ["previous_skk_number", "changed_fields"]


async def test_the_changed_certificate_keeps_the_number_and_counts_once(make_settings: Any,
                                                                        lsp_http: respx.MockRouter) -> None:
    """Five SKK held: a change of one is no sixth, in progress or recorded; the register keeps
    both certificates of the SKK number (the old one superseded) and the next change goes to the
    new one."""
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        held = [await register(h, jk, valid_until=TODAY + timedelta(days=1500)) for jk in JK[:5]]
        sixth = apply(JK[5])
        change = of_kind("perubahan", held[0])
        assert (await h.submit(change)).status_code == 202
        assert fields(await refused(h, sixth)) == ["qualification.kualifikasi"]
        r = await refused(h, of_kind("perubahan", held[0]), status=409)
        assert fields(r) == ["previous_skk_number"]
        for status in ("accepted", "competent", "skk_numbered", "recorded"):
            assert (await h.report(change["id"], report(status))).status_code == 200, status
        assert fields(await refused(h, sixth)) == ["qualification.kualifikasi"]

        # LPJK's new certificate: the same SKK number and validity end, a new recording number.
        new = await register(h, held[0].jabatan_kerja_code, skk_number=held[0].skk_number,
                             application_id=change["id"], issued_on=TODAY, valid_until=held[0].valid_until)
        assert fields(await refused(h, sixth)) == ["qualification.kualifikasi"]
        await set_status(h, held[0], "superseded", superseded_by=new.recording_number)
        assert fields(await refused(h, sixth)) == ["qualification.kualifikasi"]
        same_number = [k for k in await skk_rows(h) if k["skk_number"] == held[0].skk_number]
        assert sorted((k["recording_number"], k["status"]) for k in same_number) == sorted(
            [(held[0].recording_number, "superseded"), (new.recording_number, "active")])
        assert (await skk_row(h, held[0].recording_number))["superseded_by"] == new.recording_number
        assert sum(k["counts_as_held"] for k in await skk_rows(h)) == 5

        # The number now stands for the new certificate: a further change is of that one.
        inbox = LspInbox()
        lsp_http.post(WEBHOOK_A).mock(side_effect=inbox)
        again = of_kind("perubahan", held[0])
        assert (await h.submit(again)).status_code == 202
        (sent,) = await inbox.wait("application.submitted", again["id"])
        assert sent["previous_certificate"]["recording_number"] == new.recording_number


async def test_on_postgresql_renewal_and_change(pg_url: str, lsp_http: respx.MockRouter) -> None:
    """The register lookup, the one-per-SKK check, the counting and the change's flow on
    PostgreSQL (the migration's columns, the standing query's union)."""
    inbox = LspInbox()
    lsp_http.post(WEBHOOK_A).mock(side_effect=inbox)
    async with running(build_settings(pg_url)) as h:
        held = [await register(h, jk, valid_until=TODAY + timedelta(days=150)) for jk in JK[:5]]
        renewal, change = of_kind("perpanjangan", held[0]), of_kind("perubahan", held[1])
        for body in (renewal, change):
            assert (await h.submit(body)).status_code == 202
        (sent,) = await inbox.wait("application.submitted", renewal["id"])
        assert sent["previous_certificate"]["recording_number"] == held[0].recording_number
        assert fields(await refused(h, of_kind("perubahan", held[0]), status=409)) == ["previous_skk_number"]
        assert fields(await refused(h, apply(JK[5]))) == ["qualification.kualifikasi"]
        for status in ("accepted", "competent"):
            assert (await h.report(change["id"], report(status))).status_code == 200, status
        r = await h.report(renewal["id"], report("accepted"))
        assert r.status_code == 200
        assert (await h.report(renewal["id"], report("competent"))).status_code == 409
