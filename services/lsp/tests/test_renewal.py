"""A renewal (perpanjangan) at the LSP: kept as SIKI sent it and shown to staff; an Ahli's PKB
checked at acceptance (refused with 422 naming the field, nothing changes; the admin returns it);
the usual path (invoice, payment, "uji kompetensi perpanjangan", decision); BNSP asked for a new
number with the kind and the held SKK, LPJK told which recording it replaces, 5 years' validity."""

from __future__ import annotations

import base64
import io
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError
from pypdf import PdfReader

from services.lsp.issuance.rules import valid_until
from services.lsp.settings import LspSettings
from services.lsp.tests.kinds import authorities, ok, pay_and_assess, renewal, wait_status
from services.lsp.tests.support import Lsp, running, settings_for
from services.lsp.tests.test_web_pages import signed_in


async def received(lsp: Lsp, sub: dict[str, Any]) -> str:
    r = await lsp.webhook("application.submitted", sub)
    assert r.status_code == 200, r.text
    return str(sub["id"])


async def test_the_renewal_is_kept_and_shown(sqlite_url: str) -> None:
    with authorities():
        async with running(settings_for(sqlite_url)) as lsp:
            aid = await received(lsp, renewal(pkb_credits=120))
            view = await lsp.get(aid)
            assert view["application_kind"] == "perpanjangan"
            assert view["previous_skk_number"] == "SKK-OLD-1"
            assert view["previous_certificate"]["recording_number"] == "REC-OLD-1"
            assert view["previous_certificate"]["valid_until"] == "2027-03-01"
            assert (view["pkb_credits"], view["pkb_minimum"]) == (120, 100)
            assert view["changes"] == []

            async with signed_in(lsp, "admin") as browser:
                page = (await browser.get(f"/permohonan/{aid}")).text
            assert "Perpanjangan SKK SKK-OLD-1" in page
            assert "Kredit PKB: 120 SKPK (minimal 100 SKPK)" in page
            assert 'data-cukup="ya"' in page
            async with signed_in(lsp, "admin") as browser:
                worklist = (await browser.get("/kerja")).text
            assert f'data-testid="jenis-{aid}">Perpanjangan<' in worklist
            listed = (await lsp.client.get("/api/v1/applications", headers=await lsp.as_("admin"))).json()
            assert listed["items"][0]["application_kind"] == "perpanjangan"
            assert listed["items"][0]["previous_skk_number"] == "SKK-OLD-1"


@pytest.mark.parametrize(("credits", "document", "fields"), [
    (99, True, ["pkb_credits"]),
    (None, True, ["pkb_credits"]),
    (150, False, ["documents"]),
    (10, False, ["pkb_credits", "documents"]),
])
async def test_an_ahli_renewal_without_enough_pkb_is_not_accepted(
        sqlite_url: str, credits: int | None, document: bool, fields: list[str]) -> None:
    with authorities() as faked:
        async with running(settings_for(sqlite_url)) as lsp:
            aid = await received(lsp, renewal(pkb_credits=credits, pkb_document=document))
            before = await lsp.get(aid)
            r = await lsp.post(aid, "verification", {"decision": "accepted"}, "admin")
            assert r.status_code == 422, r.text
            problem = r.json()
            assert [e["field"] for e in problem["errors"]] == fields
            assert problem["pkb_minimum"] == 100
            assert "SKPK" in problem["detail"]
            after = await lsp.get(aid)
            # Nothing changed: same state, same timeline, no invoice, nothing reported.
            assert after["status"] == "forwarded" and after["invoice"] is None
            assert after["timeline"] == before["timeline"] and after["reports"] == []
            assert after["apl01"]["recommendation"] is None
            assert faked.siki_bodies() == []

            async with signed_in(lsp, "admin") as browser:
                page = (await browser.get(f"/permohonan/{aid}")).text
            assert 'data-cukup="tidak"' in page

            # The admin returns it instead; corrected and resubmitted, it is accepted.
            await ok(await lsp.post(aid, "verification",
                                    {"decision": "rejected", "reasons": ["Kredit PKB kurang dari 100 SKPK"]}, "admin"))
            fixed = renewal(pkb_credits=100)
            fixed.update(id=aid, submission_no=2)
            assert (await lsp.webhook("application.resubmitted", fixed)).status_code == 200
            view = await ok(await lsp.post(aid, "verification", {"decision": "accepted"}, "admin"))
            assert view["status"] == "invoiced" and view["invoice"] is not None


async def test_operator_and_teknisi_renewals_need_no_pkb(sqlite_url: str) -> None:
    with authorities():
        async with running(settings_for(sqlite_url)) as lsp:
            for code, jenjang, kualifikasi in (("SI013013", 3, "Operator"), ("SI012022", 4, "Teknisi/Analis")):
                aid = await received(lsp, renewal(pkb_credits=None, pkb_document=False, jabatan_kerja_code=code,
                                                  jenjang=jenjang, kualifikasi=kualifikasi))
                assert (await lsp.get(aid))["pkb_minimum"] is None
                view = await ok(await lsp.post(aid, "verification", {"decision": "accepted"}, "admin"))
                assert view["status"] == "invoiced"


async def test_the_minimums_are_a_setting(sqlite_url: str) -> None:
    with authorities():
        async with running(settings_for(sqlite_url, pkb_minimums="7:150, 8:200")) as lsp:
            aid = await received(lsp, renewal(pkb_credits=120))
            assert (await lsp.get(aid))["pkb_minimum"] == 150
            r = await lsp.post(aid, "verification", {"decision": "accepted"}, "admin")
            assert r.status_code == 422 and r.json()["errors"][0]["field"] == "pkb_credits"
            assert "150" in r.json()["errors"][0]["message"]


@pytest.mark.parametrize("value", ["7=100", "7:100,7:150", "7:-1", "12:100", "7:seratus"])
def test_a_malformed_minimums_setting_refuses_to_start(sqlite_url: str, value: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="SKK_PKB_MINIMUMS"):
        settings_for(sqlite_url, pkb_minimums=value)
    monkeypatch.setenv("SKK_PKB_MINIMUMS", value)
    with pytest.raises(ValidationError, match="SKK_PKB_MINIMUMS"):
        LspSettings(database_url=sqlite_url)


async def test_a_renewal_without_the_held_certificate_is_refused(sqlite_url: str) -> None:
    with authorities():
        async with running(settings_for(sqlite_url)) as lsp:
            sub = renewal()
            sub["previous_certificate"] = None
            r = await lsp.webhook("application.submitted", sub)
            assert r.status_code == 422 and r.json()["errors"][0]["field"] == "data.previous_certificate"
            other = renewal()
            other["previous_skk_number"] = "SKK-LAIN"
            r = await lsp.webhook("application.submitted", other)
            assert r.status_code == 422
            assert r.json()["errors"][0]["field"] == "data.previous_certificate.skk_number"
            r = await lsp.client.get(f"/api/v1/applications/{sub['id']}", headers=await lsp.as_("admin"))
            assert r.status_code == 404  # nothing stored


async def test_a_renewal_goes_the_usual_way_to_a_new_skk_replacing_the_held_one(sqlite_url: str) -> None:
    with authorities() as faked:
        async with running(settings_for(sqlite_url)) as lsp:
            aid = await received(lsp, renewal(pkb_credits=200))
            view = await ok(await lsp.post(aid, "verification", {"decision": "accepted"}, "admin"))
            assert view["status"] == "invoiced"
            view = await pay_and_assess(lsp, aid)
            scheduled = [t for t in view["timeline"] if t["status"] == "scheduled"]
            assert scheduled[0]["note"].startswith("Uji kompetensi perpanjangan dijadwalkan ")
            await ok(await lsp.post(aid, "decision", {"result": "kompeten"}, "komite"))
            view = await wait_status(lsp, aid, "certificate_issued")

            assert len(faked.bnsp) == 1
            asked = faked.bnsp[0]
            assert (asked["application_kind"], asked["previous_skk_number"]) == ("perpanjangan", "SKK-OLD-1")
            recorded = faked.lpjk[0]
            assert recorded["replaces"] == "REC-OLD-1"
            assert recorded["skk_number"] == "SKK-NEW-1"  # a renewal gets a new number
            issued_on = date.fromisoformat(recorded["issued_on"])
            assert recorded["valid_until"] == valid_until(issued_on, 5).isoformat()  # 5 years, as a new SKK
            cert = view["certificate"]
            assert (cert["skk_number"], cert["valid_until"]) == ("SKK-NEW-1", recorded["valid_until"])

            view = await lsp.wait_reports_sent(aid)
            assert [r["status"] for r in view["reports"]] == [
                "accepted", "invoiced", "payment_verified", "in_certification", "scheduled", "assessed", "competent",
                "skk_numbered", "recorded", "certificate_issued"]
            issued = next(b for b in faked.siki_bodies() if b["status"] == "certificate_issued")
            pdf = PdfReader(io.BytesIO(base64.b64decode(issued["certificate_pdf_base64"])))
            text = " ".join((page.extract_text() or "") for page in pdf.pages)
            assert "Perpanjangan dari SKK SKK-OLD-1" in text
