"""Renewal and change in the browser's place: the dashboard lists the held SKK with "Perpanjang"
(inside the window) and "Ubah data"; the reminder's link opens the renewal page; its button
creates the prefilled draft; the qualification step of a renewal shows the PKB credits and their
document, saves them, and shows a refusal at the field; a refused SKK is said on the dashboard;
the change's personal step has the supporting document's slot."""

from __future__ import annotations

import re
from datetime import date, timedelta

import httpx

from services.portal.tests.factories import Portal
from services.portal.tests.renewal_support import held, soon
from services.portal.tests.test_web_form import browser, csrf  # noqa: F401 (the browser fixture)

NEW_STEP = re.compile(r"/permohonan/([0-9a-f-]{36})/langkah/1")


async def test_dashboard_buttons_create_the_prefilled_drafts(portal: Portal, applicant: dict[str, str],
                                                             browser: httpx.AsyncClient) -> None:  # noqa: F811
    await held(portal, applicant, "SKK-W-0001", soon())
    await held(portal, applicant, "SKK-W-0002", date.today() + timedelta(days=700))
    page = await browser.get("/dasbor")
    assert page.status_code == 200
    assert 'data-skk="SKK-W-0001"' in page.text and 'data-skk="SKK-W-0002"' in page.text
    assert 'id="renew-SKK-W-0001"' in page.text and 'id="change-SKK-W-0001"' in page.text
    assert 'id="renew-SKK-W-0002"' not in page.text and 'id="change-SKK-W-0002"' in page.text
    opens = (date.today() + timedelta(days=700))
    assert "Perpanjangan dapat diajukan mulai" in page.text and str(opens.year) in page.text

    # The reminder's link: the renewal page for that SKK, its button creates the draft.
    token = await csrf(browser, "/permohonan/baru?jenis=perpanjangan&skk=SKK-W-0001")
    page = await browser.get("/permohonan/baru?jenis=perpanjangan&skk=SKK-W-0001")
    assert "Perpanjangan SKK SKK-W-0001" in page.text and 'name="skk" value="SKK-W-0001"' in page.text
    r = await browser.post("/permohonan/baru", data={"csrf_token": token, "jenis": "perpanjangan",
                                                     "skk": "SKK-W-0001"})
    assert r.status_code == 303, r.text
    m = NEW_STEP.fullmatch(r.headers["location"])
    assert m
    app_id = m.group(1)
    app = (await portal.client.get(f"/api/v1/applications/{app_id}", headers=applicant)).json()
    assert app["application_kind"] == "perpanjangan" and app["sections"]["personal"]
    page = await browser.get(f"/permohonan/{app_id}")
    assert 'id="previous-skk">SKK-W-0001<' in page.text

    # The renewal's qualification step: the PKB credits and their document; a bad value beside its field.
    step = await browser.get(f"/permohonan/{app_id}/langkah/7")
    assert 'id="f-qualification-pkb_credits"' in step.text and 'id="f-qualification-documents-pkb"' in step.text
    assert "Jumlah kredit PKB" in step.text
    q = app["sections"]["qualification"]
    data = {f"qualification.{k}": str(v) for k, v in q.items()
            if k not in ("documents", "self_assessment", "application_kind")}
    data.update({f"doc.qualification.documents.{k}": v for k, v in q["documents"].items()})
    token = await csrf(browser, f"/permohonan/{app_id}/langkah/7")
    r = await browser.post(f"/permohonan/{app_id}/langkah/7",
                           data={**data, "csrf_token": token, "aksi": "simpan", "qualification.pkb_credits": "-1"})
    assert r.status_code == 422 and 'id="f-qualification-pkb_credits"' in r.text
    assert 'aria-invalid="true"' in r.text
    r = await browser.post(f"/permohonan/{app_id}/langkah/7",
                           data={**data, "csrf_token": token, "aksi": "simpan", "qualification.pkb_credits": "40"})
    assert r.status_code == 303, r.text
    app = (await portal.client.get(f"/api/v1/applications/{app_id}", headers=applicant)).json()
    assert app["sections"]["qualification"]["pkb_credits"] == 40
    # A refusal of the SKK (not yet in the window): said on the dashboard, nothing created.
    token = await csrf(browser, "/dasbor")
    r = await browser.post("/permohonan/baru", data={"csrf_token": token, "jenis": "perpanjangan",
                                                     "skk": "SKK-W-0002"})
    assert r.status_code == 303 and r.headers["location"] == "/dasbor"
    page = await browser.get("/dasbor")
    assert "baru dapat diajukan mulai" in page.text
    listed = (await portal.client.get("/api/v1/applications", headers=applicant)).json()
    assert [a["application_kind"] for a in listed].count("perpanjangan") == 1

    # The change: its own step shows the supporting document's slot on the personal step.
    r = await browser.post("/permohonan/baru", data={"csrf_token": token, "jenis": "perubahan", "skk": "SKK-W-0002"})
    assert r.status_code == 303, r.text
    m = NEW_STEP.fullmatch(r.headers["location"])
    assert m
    step = await browser.get(f"/permohonan/{m.group(1)}/langkah/1")
    assert 'id="f-personal-documents-bukti_perubahan"' in step.text
    assert "Dokumen pendukung perubahan data" in step.text
