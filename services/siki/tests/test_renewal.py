"""A renewal (perpanjangan) at SIKI: the held SKK from SIKI's own register under the same NIK,
its status and the window (6 months before expiry, any time after), the same scheme, one renewal
per SKK, the register's record of it forwarded to the LSP (and kept on a resubmission), the
ownership limits counting the renewal as the held SKK (in progress and once recorded), and the
flow: a renewal goes on to the invoice, never straight to a decision."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import respx

from services.siki.tests.conftest import WEBHOOK_A, report, running
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
from services.siki.tests.test_withdrawal import withdraw


async def test_a_renewal_is_forwarded_with_the_registers_record(make_settings: Any,
                                                                lsp_http: respx.MockRouter) -> None:
    inbox = LspInbox()
    lsp_http.post(WEBHOOK_A).mock(side_effect=inbox)
    async with running(make_settings()) as h:
        held = await register(h, "SI012022", valid_until=TODAY + timedelta(days=150))
        body = of_kind("perpanjangan", held)
        # The portal's word on the held SKK is not taken: SIKI's register is.
        body["previous_certificate"] = {**(await _certificate(h, held.recording_number)), "valid_until": "2099-01-01"}
        r = await h.submit(body)
        assert r.status_code == 202, r.text
        (sent,) = await inbox.wait("application.submitted", body["id"])
        assert sent["application_kind"] == "perpanjangan" and sent["previous_skk_number"] == held.skk_number
        assert sent["previous_certificate"] == await _certificate(h, held.recording_number)

        # Returned and resubmitted: the kind and the held SKK stay, the LSP is told them again.
        assert (await h.report(body["id"], report("returned", reasons=["foto"]))).status_code == 200
        again = {**body, "submission_no": 2, "previous_certificate": None}
        assert (await h.submit(again)).status_code == 202
        (resent,) = await inbox.wait("application.resubmitted", body["id"])
        assert resent["previous_certificate"] == sent["previous_certificate"]

        # A resubmission may not turn into another kind, nor into a renewal of another SKK.
        assert (await h.report(body["id"], report("returned", reasons=["foto"]))).status_code == 200
        r = await refused(h, {**body, "submission_no": 3, "application_kind": "baru", "previous_skk_number": None})
        assert "application_kind" in fields(r)
        other = await register(h, "SI032002", valid_until=TODAY + timedelta(days=30))
        r = await refused(h, of_kind("perpanjangan", other, id=body["id"], submission_no=3, jk="SI012022"))
        assert "previous_skk_number" in fields(r)


async def _certificate(h: Any, recording_number: str) -> dict[str, Any]:
    row = await skk_row(h, recording_number)
    keys = ("skk_number", "registration_number", "recording_number", "issued_on", "valid_until", "klasifikasi_code",
            "subklasifikasi_code", "kualifikasi", "jabatan_kerja_code", "jenjang", "status")
    return {k: row[k] for k in keys}


async def test_each_refusal_names_its_field_and_changes_nothing(make_settings: Any,
                                                                lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        held = await register(h, "SI012022", valid_until=TODAY + timedelta(days=150))

        r = await refused(h, of_kind("perpanjangan", None))
        assert fields(r) == ["previous_skk_number"] and "wajib" in r.json()["errors"][0]["message"]

        # Unknown, and another person's: the same answer (nothing told about other people's SKK).
        theirs = await register(h, "SI012022", nik="3171015708900002", valid_until=TODAY + timedelta(days=150))
        for number in ("SKK-TIDAK-ADA", theirs.skk_number):
            r = await refused(h, of_kind("perpanjangan", held, previous_skk_number=number))
            assert r.json()["errors"] == [{"field": "previous_skk_number",
                                           "message": f"SKK {number} tidak terdaftar atas NIK pemohon"}]

        # The window opens 6 calendar months before valid_until; the answer says when.
        early = await register(h, "SI032002", valid_until=TODAY + timedelta(days=300))
        r = await refused(h, of_kind("perpanjangan", early))
        assert fields(r) == ["previous_skk_number"]
        message = r.json()["errors"][0]["message"]
        assert "dapat diajukan mulai" in message and early.valid_until.isoformat() in message

        # The same scheme as the held SKK.
        r = await refused(h, of_kind("perpanjangan", held, jk="SI012001"))
        assert "qualification.jabatan_kerja_code" not in fields(r) and "jabatan_kerja_code" in fields(r)
        r = await refused(h, of_kind("perpanjangan", held, jenjang=5))
        assert "jenjang" in fields(r)

        # Revoked or superseded: not renewable.
        revoked = await register(h, "SI152001", valid_until=TODAY + timedelta(days=30))
        await set_status(h, revoked, "revoked")
        r = await refused(h, of_kind("perpanjangan", revoked))
        assert fields(r) == ["previous_skk_number"] and "dicabut" in r.json()["errors"][0]["message"]
        superseded = await register(h, "ME022008", valid_until=TODAY + timedelta(days=30))
        await set_status(h, superseded, "superseded", superseded_by="LPJK-next")
        r = await refused(h, of_kind("perpanjangan", superseded))
        assert fields(r) == ["previous_skk_number"] and "digantikan" in r.json()["errors"][0]["message"]


async def test_expired_and_suspended_skk_may_be_renewed(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        expired = await register(h, "SI012022", valid_until=TODAY - timedelta(days=400))
        assert (await h.submit(of_kind("perpanjangan", expired))).status_code == 202
        suspended = await register(h, "SI032002", valid_until=TODAY + timedelta(days=10))
        await set_status(h, suspended, "suspended")
        assert (await h.submit(of_kind("perpanjangan", suspended))).status_code == 202


async def test_one_renewal_per_skk_until_it_ends(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        held = await register(h, "SI012022", valid_until=TODAY + timedelta(days=150))
        first = of_kind("perpanjangan", held)
        assert (await h.submit(first)).status_code == 202
        for kind in ("perpanjangan", "perubahan"):
            r = await refused(h, of_kind(kind, held), status=409)
            assert fields(r) == ["previous_skk_number"] and "sedang berjalan" in r.json()["errors"][0]["message"]
        # Withdrawn, it no longer blocks.
        assert (await withdraw(h, first["id"])).status_code == 202
        assert (await h.submit(of_kind("perpanjangan", held))).status_code == 202


async def test_a_renewal_is_no_extra_skk_in_progress_nor_once_recorded(make_settings: Any,
                                                                      lsp_http: respx.MockRouter) -> None:
    """Five SKK held (the Teknisi/Analis limit): each may be renewed; a sixth SKK is refused
    before, while and after the renewal, and the register shows the old one superseded."""
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        held = [await register(h, jk, valid_until=TODAY + timedelta(days=150)) for jk in JK[:5]]
        sixth = apply(JK[5])
        assert fields(await refused(h, sixth)) == ["qualification.kualifikasi"]

        renewal = of_kind("perpanjangan", held[0])
        assert (await h.submit(renewal)).status_code == 202
        # A second renewal, of another held SKK, while the first runs: still no extra SKK.
        assert (await h.submit(of_kind("perpanjangan", held[1]))).status_code == 202
        assert fields(await refused(h, sixth)) == ["qualification.kualifikasi"]
        eligibility = await h.client.get(f"/api/v1/applications/{renewal['id']}/eligibility", headers=h.lsp_a)
        # The LSP's re-check counts it the same way.
        assert eligibility.status_code == 200 and eligibility.json()["eligible"], eligibility.text

        # A renewal may not be decided without the invoice and the assessment (kept for the operators).
        assert (await h.report(renewal["id"], report("accepted"))).status_code == 200
        r = await h.report(renewal["id"], report("competent", report_id="straight-to-competent"))
        assert r.status_code == 409 and "only a change" in r.json()["detail"], r.text
        kept = await h.client.get("/api/v1/refused-reports", headers=h.operator)
        assert "straight-to-competent" in kept.text, kept.text
        await _complete(h, renewal["id"])
        # Recorded by SIKI's states, LPJK's events not here yet: five.
        assert fields(await refused(h, sixth)) == ["qualification.kualifikasi"]
        new = await register(h, held[0].jabatan_kerja_code, application_id=renewal["id"], issued_on=TODAY,
                             valid_until=TODAY + timedelta(days=5 * 365))
        assert fields(await refused(h, sixth)) == ["qualification.kualifikasi"]
        await set_status(h, held[0], "superseded", superseded_by=new.recording_number)
        assert fields(await refused(h, sixth)) == ["qualification.kualifikasi"]
        old, renewed = await skk_row(h, held[0].recording_number), await skk_row(h, new.recording_number)
        assert (old["status"], old["superseded_by"], old["counts_as_held"]) == ("superseded", new.recording_number,
                                                                                 False)
        assert (renewed["status"], renewed["counts_as_held"]) == ("active", True)
        assert sum(k["counts_as_held"] for k in await skk_rows(h)) == 5

        # The old number is renewed for good: superseded (422), not "in progress" (409); the new
        # SKK's own window opens 6 months before its end.
        r = await refused(h, of_kind("perpanjangan", held[0]))
        assert fields(r) == ["previous_skk_number"] and "digantikan" in r.json()["errors"][0]["message"]
        r = await refused(h, of_kind("perpanjangan", new))
        assert fields(r) == ["previous_skk_number"] and "dapat diajukan mulai" in r.json()["errors"][0]["message"]


async def _complete(h: Any, app_id: str) -> None:
    """From ``accepted`` through invoice, payment, assessment and decision to ``recorded``."""
    assert (await h.report(app_id, report("invoiced"))).status_code == 200
    proof = {"proof_no": 1, "uploaded_at": datetime.now(UTC).isoformat(),
             "document": {"id": "d", "kind": "payment_proof", "sha256": "b" * 64, "content_type": "image/png",
                          "size": 3}}
    r = await h.client.post(f"/api/v1/applications/{app_id}/payment-proofs", json=proof, headers=h.portal)
    assert r.status_code == 202, r.text
    for status in ("payment_verified", "in_certification", "scheduled", "assessed", "competent", "skk_numbered",
                   "recorded"):
        assert (await h.report(app_id, report(status))).status_code == 200, status
