"""A change (perubahan) of the holder's name at the LSP: verified (no invoice, the scheme's
requirements not examined again), decided Kompeten straight from ``accepted`` (never Belum
Kompeten), reported to SIKI as accepted -> competent; BNSP keeps the SKK number, LPJK records the
new name with the held certificate's validity end and replaces its recording."""

from __future__ import annotations

from typing import Any

from services.lsp.issuance.models import Issuance
from services.lsp.tests.kinds import authorities, change, held, ok, pay_and_assess, wait_status
from services.lsp.tests.support import Lsp, running, settings_for, submission
from services.lsp.tests.test_web_pages import signed_in


async def received(lsp: Lsp, sub: dict[str, Any]) -> str:
    r = await lsp.webhook("application.submitted", sub)
    assert r.status_code == 200, r.text
    return str(sub["id"])


async def test_a_change_is_accepted_without_invoice_and_decided_from_accepted(sqlite_url: str) -> None:
    with authorities() as faked:
        async with running(settings_for(sqlite_url)) as lsp:
            sub = change("Budi Santosa", valid_until="2028-07-31")
            sub["sections"]["experience"]["items"] = []  # the requirements are not examined again
            aid = await received(lsp, sub)
            view = await lsp.get(aid)
            assert view["application_kind"] == "perubahan" and view["previous_skk_number"] == "SKK-OLD-1"
            # The held certificate was issued elsewhere: its old name is not known here.
            assert view["changes"] == [{"field": "full_name", "old": None, "new": "Budi Santosa"}]
            assert view["pkb_minimum"] is None

            view = await ok(await lsp.post(aid, "verification", {"decision": "accepted"}, "admin"))
            assert view["status"] == "accepted" and view["invoice"] is None
            assert view["requirements_override"] is None

            # The komite may not find a change Belum Kompeten (nothing changes); the asesor may not decide.
            r = await lsp.post(aid, "decision", {"result": "belum_kompeten"}, "komite")
            assert r.status_code == 409 and r.json()["errors"][0]["field"] == "result", r.text
            assert (await lsp.get(aid))["status"] == "accepted"
            assert (await lsp.post(aid, "decision", {"result": "kompeten"}, "asesor1")).status_code == 403

            view = await ok(await lsp.post(aid, "decision", {"result": "kompeten"}, "komite"))
            assert view["status"] == "competent" and view["decision"]["result"] == "kompeten"
            assert view["assessments"] == []
            view = await wait_status(lsp, aid, "certificate_issued")

            asked = faked.bnsp[0]
            assert (asked["application_kind"], asked["previous_skk_number"]) == ("perubahan", "SKK-OLD-1")
            assert asked["full_name"] == "Budi Santosa"
            recorded = faked.lpjk[0]
            assert recorded["skk_number"] == "SKK-OLD-1"  # the same SKK number
            assert recorded["valid_until"] == "2028-07-31"  # the held certificate's validity end
            assert recorded["replaces"] == "REC-OLD-1"
            assert recorded["full_name"] == "Budi Santosa"
            assert view["certificate"]["valid_until"] == "2028-07-31"

            view = await lsp.wait_reports_sent(aid)
            assert [r["status"] for r in view["reports"]] == [
                "accepted", "competent", "skk_numbered", "recorded", "certificate_issued"]
            competent = next(b for b in faked.siki_bodies() if b["status"] == "competent")
            assert competent["assessment"] is None and "tanpa asesmen" in competent["note"]


async def test_old_and_new_name_when_this_lsp_issued_the_held_certificate(sqlite_url: str) -> None:
    with authorities() as faked:
        async with running(settings_for(sqlite_url)) as lsp:
            first = submission()
            aid0 = await received(lsp, first)
            await ok(await lsp.post(aid0, "verification", {"decision": "accepted"}, "admin"))
            await pay_and_assess(lsp, aid0)
            await ok(await lsp.post(aid0, "decision", {"result": "kompeten"}, "komite"))
            old = (await wait_status(lsp, aid0, "certificate_issued"))["certificate"]

            sub = change("Budi Santosa Putra", skk_number=old["skk_number"], recording_number=old["recording_number"],
                         valid_until=old["valid_until"])
            aid = await received(lsp, sub)
            view = await lsp.get(aid)
            assert view["changes"] == [{"field": "full_name", "old": "Budi Santoso", "new": "Budi Santosa Putra"}]

            async with signed_in(lsp, "admin") as browser:
                page = (await browser.get(f"/permohonan/{aid}")).text
                assert f"Perubahan data SKK {old['skk_number']}" in page
                assert "Perubahan data: nama" in page
                assert "nama: lama Budi Santoso, baru Budi Santosa Putra" in page
                assert 'data-testid="aksi-verifikasi"' in page
            await ok(await lsp.post(aid, "verification", {"decision": "accepted"}, "admin"))
            async with signed_in(lsp, "komite") as browser:
                page = (await browser.get(f"/permohonan/{aid}")).text
                assert 'data-testid="aksi-keputusan"' in page and 'value="belum_kompeten"' not in page
                r = await browser.get(f"/permohonan/{aid}")
                assert r.status_code == 200
            await ok(await lsp.post(aid, "decision", {"result": "kompeten"}, "komite"))
            view = await wait_status(lsp, aid, "certificate_issued")
            # The same SKK number twice in this LSP's issuances, each with its own recording.
            assert view["certificate"]["skk_number"] == old["skk_number"]
            assert view["certificate"]["valid_until"] == old["valid_until"]
            assert view["certificate"]["recording_number"] != old["recording_number"]
            assert faked.lpjk[-1]["replaces"] == old["recording_number"]
            async with lsp.app.state.lsp.sessions() as s:
                assert (await s.get(Issuance, aid0)).skk_number == (await s.get(Issuance, aid)).skk_number  # type: ignore[union-attr]


async def test_a_change_without_its_fields_or_held_certificate_is_refused(sqlite_url: str) -> None:
    with authorities():
        async with running(settings_for(sqlite_url)) as lsp:
            sub = change()
            sub["changed_fields"] = []
            r = await lsp.webhook("application.submitted", sub)
            assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["data.changed_fields"]
            sub = change()
            sub.update(previous_skk_number=None, previous_certificate=None)
            r = await lsp.webhook("application.submitted", sub)
            assert r.status_code == 422
            assert [e["field"] for e in r.json()["errors"]] == ["data.previous_skk_number", "data.previous_certificate"]
            r = await lsp.client.get(f"/api/v1/applications/{sub['id']}", headers=await lsp.as_("admin"))
            assert r.status_code == 404


async def test_a_new_application_is_never_decided_from_accepted(sqlite_url: str) -> None:
    """Only a change takes accepted -> competent: a baru or a renewal is invoiced on acceptance and
    decided after its assessment, as before."""
    with authorities():
        async with running(settings_for(sqlite_url)) as lsp:
            aid = await received(lsp, submission())
            await ok(await lsp.post(aid, "verification", {"decision": "accepted"}, "admin"))
            r = await lsp.post(aid, "decision", {"result": "kompeten"}, "komite")
            assert r.status_code == 409 and r.json()["current_status"] == "invoiced"


def test_held_helper_matches_the_contract() -> None:
    from shared.contracts.kinds import PreviousCertificate

    assert PreviousCertificate.model_validate(held()).skk_number == "SKK-OLD-1"
