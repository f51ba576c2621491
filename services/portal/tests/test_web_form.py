"""The applicant's seven-step form in the browser's place (in-process, httpx, the session cookie):
every step filled with its uploads and submitted; a malformed NIK shown beside its field with
nothing saved; a half-filled step saved as a draft with its missing list; CSRF refused."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
import respx

from scripts.simulator.files import tiny_pdf
from services.portal.tests import factories as f
from services.portal.tests.factories import Portal
from services.portal.web.form_fields import STEPS

SESSION_COOKIE = "skk_session_portal"

SIKI = "http://siki.test/api/v1/applications"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
NO_DOCS: dict[str, str] = {k: "" for k in f.ALL_KINDS}


@pytest.fixture
async def browser(portal: Portal, applicant: dict[str, str]) -> httpx.AsyncClient:
    """The portal's client holding the applicant's session cookie (the bearer token the API issued)."""
    portal.client.cookies.set(SESSION_COOKIE, applicant["Authorization"].split()[1])
    return portal.client


async def csrf(client: httpx.AsyncClient, url: str) -> str:
    r = await client.get(url)
    assert r.status_code == 200, r.text
    m = CSRF.search(r.text)
    assert m, "no CSRF token on " + url
    return m.group(1)


async def new_application(client: httpx.AsyncClient) -> str:
    token = await csrf(client, "/permohonan/baru")
    r = await client.post("/permohonan/baru", data={"csrf_token": token})
    assert r.status_code == 303, r.text
    m = re.fullmatch(r"/permohonan/([0-9a-f-]{36})/langkah/1", r.headers["location"])
    assert m, r.headers["location"]
    return m.group(1)


def fields_of(section: str, payload: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """A section payload (as the factories build it) as the step's form fields and files."""
    data: dict[str, str] = {}
    files: dict[str, Any] = {}
    holders = [("", payload)] if "items" not in payload else \
        [(f"items.{i}.", item) for i, item in enumerate(payload["items"])]
    if "items" in payload:
        data["count"] = str(len(payload["items"]))
    for prefix, holder in holders:
        for name, value in holder.items():
            if name == "documents":
                for kind in value:
                    png = kind == "photo"
                    files[f"{section}.{prefix}documents.{kind}"] = (
                        f"{kind}.png" if png else f"{kind}.pdf", f.PNG_BYTES if png else tiny_pdf(kind),
                        "image/png" if png else "application/pdf")
            elif name != "application_kind":
                data[f"{section}.{prefix}{name}"] = str(value)
    return data, files


async def post_step(client: httpx.AsyncClient, app_id: str, step: int, data: dict[str, str],
                    files: dict[str, Any] | None = None, action: str = "simpan", token: str | None = None
                    ) -> httpx.Response:
    url = f"/permohonan/{app_id}/langkah/{step}"
    token = token if token is not None else await csrf(client, url)
    body = {"csrf_token": token, "aksi": action, **data}
    # Always multipart, as the browser sends the step's form.
    return await client.post(url, data=body, files=files or {"_": ("", b"", "application/octet-stream")})


async def sections(portal: Portal, headers: dict[str, str], app_id: str) -> dict[str, Any]:
    r = await portal.client.get(f"/api/v1/applications/{app_id}", headers=headers)
    assert r.status_code == 200, r.text
    return dict(r.json()["sections"])


async def test_fill_all_seven_steps_with_uploads_and_submit(portal: Portal, applicant: dict[str, str],
                                                            browser: httpx.AsyncClient) -> None:
    app_id = await new_application(browser)
    payloads = f.all_sections(NO_DOCS)
    for step, section in enumerate(STEPS, start=1):
        data, files = fields_of(section, payloads[section])
        r = await post_step(browser, app_id, step, data, files, action="lanjut")
        assert r.status_code == 303, r.text
        nxt = f"/permohonan/{app_id}/langkah/{step + 1}" if step < 7 else f"/permohonan/{app_id}/ringkasan"
        assert r.headers["location"] == nxt
        page = await browser.get(f"/permohonan/{app_id}/langkah/{step}")
        assert 'id="lengkap"' in page.text, section
    stored = await sections(portal, applicant, app_id)
    assert stored["personal"]["nik"] == payloads["personal"]["nik"]
    assert set(stored["personal"]["documents"]) == set(f.DOCS_PERSONAL)
    assert stored["experience"]["items"][0]["position"] == "Pengawas Lapangan"
    assert stored["qualification"]["jabatan_kerja_code"] == "SI012001"
    # The photo previews, the PDFs open: the owner's files only.
    photo = stored["personal"]["documents"]["photo"]
    page = await browser.get(f"/permohonan/{app_id}/langkah/1")
    assert f'src="/permohonan/dokumen/{photo}"' in page.text
    r = await browser.get(f"/permohonan/dokumen/{photo}")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png" and r.content == f.PNG_BYTES
    summary = await browser.get(f"/permohonan/{app_id}/ringkasan")
    assert summary.text.count('data-complete="ya"') == 7 and 'id="siap-diajukan"' in summary.text
    token = CSRF.search(summary.text).group(1)  # type: ignore[union-attr]
    with respx.mock:
        respx.post(SIKI).mock(return_value=httpx.Response(202, json={"id": app_id, "status": "submitted"}))
        r = await browser.post(f"/permohonan/{app_id}/ajukan", data={"csrf_token": token})
    assert r.status_code == 303, r.text
    app = (await portal.client.get(f"/api/v1/applications/{app_id}", headers=applicant)).json()
    assert app["status"] == "submitted"
    after = await browser.get(r.headers["location"])
    assert "Permohonan telah diajukan" in after.text


async def test_malformed_nik_is_shown_beside_the_field_and_nothing_is_saved(
        portal: Portal, applicant: dict[str, str], browser: httpx.AsyncClient) -> None:
    app_id = await new_application(browser)
    first = (await browser.get(f"/permohonan/{app_id}/langkah/1")).text  # the account's name, to begin with
    assert re.search(r'id="f-personal-full_name" name="personal.full_name" type="text" value="Budi Santoso"', first)
    data, _ = fields_of("personal", f.personal(NO_DOCS))
    data["personal.nik"] = "12345"
    r = await post_step(browser, app_id, 1, data)
    assert r.status_code == 422
    error = re.search(r'<p class="field-error" id="f-personal-nik-error"[^>]*>([^<]+)</p>', r.text)
    assert error and "16 digit" in error.group(1)
    assert 'id="f-personal-nik"' in r.text and 'value="12345"' in r.text  # what was typed is kept
    assert 'aria-describedby="f-personal-nik-hint f-personal-nik-error"' in r.text
    assert "personal" not in await sections(portal, applicant, app_id)


async def test_half_filled_step_is_saved_as_a_draft_with_its_missing_list(
        portal: Portal, applicant: dict[str, str], browser: httpx.AsyncClient) -> None:
    app_id = await new_application(browser)
    data = {"count": "1", "experience.items.0.project_name": "Jembatan Layang",
            "experience.items.0.start_date": "2012-02-01"}
    r = await post_step(browser, app_id, 3, data)
    assert r.status_code == 303 and r.headers["location"] == f"/permohonan/{app_id}/langkah/3"
    page = await browser.get(r.headers["location"])
    assert "tersimpan sebagai draf" in page.text
    missing = re.findall(r'<li data-field="([^"]+)">', page.text.split('id="daftar-kekurangan"')[1].split("</ul>")[0])
    assert missing == ["experience.items.0.experience_kind", "experience.items.0.province_code",
                       "experience.items.0.position", "experience.items.0.project_value",
                       "experience.items.0.documents.reference_letter"]
    assert 'value="Jembatan Layang"' in page.text
    stored = await sections(portal, applicant, app_id)
    assert stored["experience"]["items"][0]["project_name"] == "Jembatan Layang"
    # Another item, then the first removed: the second moves up.
    r = await post_step(browser, app_id, 3, {**data, "count": "1"}, action="tambah")
    assert r.headers["location"].endswith("#item-1")
    data2 = {**data, "count": "2", "experience.items.1.project_name": "Bendungan"}
    r = await post_step(browser, app_id, 3, data2, action="hapus:0")
    assert r.status_code == 303
    stored = await sections(portal, applicant, app_id)
    assert [i.get("project_name") for i in stored["experience"]["items"]] == ["Bendungan"]


async def test_post_without_the_csrf_token_is_refused(portal: Portal, applicant: dict[str, str],
                                                     browser: httpx.AsyncClient) -> None:
    r = await browser.post("/permohonan/baru", data={})
    assert r.status_code == 403
    assert (await portal.client.get("/api/v1/applications", headers=applicant)).json() == []
    app_id = await new_application(browser)
    data, _ = fields_of("personal", f.personal(NO_DOCS))
    r = await post_step(browser, app_id, 1, data, token="forged")
    assert r.status_code == 403
    assert "personal" not in await sections(portal, applicant, app_id)


async def test_pickers_cascade_and_uploads_by_xhr(portal: Portal, applicant: dict[str, str],
                                                  browser: httpx.AsyncClient) -> None:
    app_id = await new_application(browser)
    r = await post_step(browser, app_id, 7, {"qualification.lsp_code": "LSP-A", "qualification.klasifikasi_code": "SI"})
    assert r.status_code == 303
    page = (await browser.get(f"/permohonan/{app_id}/langkah/7")).text
    sub = page.split('id="f-qualification-subklasifikasi_code"')[1].split("</select>")[0]
    assert re.search(r'<option value="SI01" data-keys="[^"]*"(?! hidden)>', sub)  # SI: shown
    assert re.search(r'<option value="AR01" data-keys="[^"]*" hidden disabled>', sub)  # not SI: hidden
    assert 'data-parents="f-qualification-lsp_code f-qualification-klasifikasi_code"' in sub
    token = CSRF.search(page).group(1)  # type: ignore[union-attr]
    r = await browser.post("/permohonan/dokumen", data={"csrf_token": token, "kind": "apl01"},
                           files={"file": ("apl01.pdf", tiny_pdf("apl01"), "application/pdf")})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["kind"] == "apl01" and doc["url"] == f"/permohonan/dokumen/{doc['id']}" and not doc["is_image"]
    r = await browser.post("/permohonan/dokumen", data={"csrf_token": token, "kind": "apl01"},
                           files={"file": ("x.pdf", b"<html>not a pdf</html>", "application/pdf")})
    assert r.status_code == 415 and "PDF, JPEG atau PNG" in r.json()["error"]
    # Someone else's application and document are not found.
    other = await portal.applicant()
    portal.client.cookies.set(SESSION_COOKIE, other["Authorization"].split()[1])
    assert (await browser.get(f"/permohonan/{app_id}/langkah/1")).status_code == 404
    assert (await browser.get(f"/permohonan/dokumen/{doc['id']}")).status_code == 404


async def test_submission_is_refused_until_complete(portal: Portal, applicant: dict[str, str],
                                                    browser: httpx.AsyncClient) -> None:
    app_id = await new_application(browser)
    summary = await browser.get(f"/permohonan/{app_id}/ringkasan")
    assert 'id="belum-lengkap"' in summary.text and summary.text.count('data-complete="tidak"') == 4
    token = CSRF.search(summary.text).group(1)  # type: ignore[union-attr]
    with respx.mock:
        route = respx.post(SIKI).mock(return_value=httpx.Response(202, json={}))
        r = await browser.post(f"/permohonan/{app_id}/ajukan", data={"csrf_token": token})
        assert not route.called
    assert r.status_code == 422
    refused = r.text.split('id="alasan-penolakan"')[1].split("</ul>")[0]
    assert "Data pribadi: Langkah ini belum diisi." in refused
    app = (await portal.client.get(f"/api/v1/applications/{app_id}", headers=applicant)).json()
    assert app["status"] == "draft"
