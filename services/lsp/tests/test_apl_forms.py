"""FR.APL.01 and FR.APL.02 of an application: filled from the submission and the scheme, APL-01
signed once verified, sent to SIKI on receipt and with the verification report."""

from __future__ import annotations

import asyncio
import base64
import io
import json
from typing import Any

import pytest
import respx
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from services.lsp.documents.units import seeded_units
from services.lsp.issuance.signing import dev_identity
from services.lsp.tests.support import Lsp, drive, running, settings_for, submission
from services.lsp.usecases import forms as forms_module
from services.lsp.usecases.forms import self_assessment
from shared.tests.waiting import eventually

pytestmark = pytest.mark.usefixtures("siki")

SCHEME = "SI031018"  # Ahli Muda Teknik Jalan: seeded SKKNI units


@pytest.fixture
async def lsp(sqlite_url: str) -> Any:
    async with running(settings_for(sqlite_url)) as instance:
        yield instance


def _text(pdf: bytes) -> str:
    # Whitespace as one space: the extraction spaces justified text unevenly.
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


async def _signature(pdf: bytes, lsp: Lsp):  # type: ignore[no-untyped-def]
    """pyhanko's validation, trusting the LSP's dev certificate (in a thread: it runs its own loop)."""
    identity = dev_identity(lsp.settings.lsp_code, lsp.settings.lsp_name)

    def validate():  # type: ignore[no-untyped-def]
        sig = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[0]
        return validate_pdf_signature(sig, ValidationContext(trust_roots=[identity.certificate],
                                                             allow_fetching=False))

    return await asyncio.to_thread(validate)


async def _submit(lsp: Lsp, **sections: Any) -> str:
    sub = submission(jabatan_kerja_code=SCHEME)
    sub["sections"]["personal"].update({"birth_place": "Bandung", "phone": "0812000111", "address": "Jl. Merdeka 1"})
    sub["sections"]["qualification"].update(sections)
    for item in sub["sections"]["experience"]["items"]:
        item.update(experience_kind="professional", position="Site Engineer")
    sub["documents"] = [{"id": "d-ktp", "kind": "ktp", "sha256": "a" * 64, "content_type": "image/jpeg",
                         "size": 2048}]
    r = await lsp.webhook("application.submitted", sub)
    assert r.status_code == 200, r.text
    return str(sub["id"])


async def _download(lsp: Lsp, aid: str, form: str, user: str = "admin") -> bytes:
    r = await lsp.client.get(f"/api/v1/applications/{aid}/forms/{form}", headers=await lsp.as_(user))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    return r.content


async def test_apl02_lists_the_schemes_units_with_the_self_assessment(lsp: Lsp) -> None:
    units = seeded_units(SCHEME)
    assert units and all(u["uncertain"] for u in units)
    first, second = units[0]["code"], units[1]["code"]
    aid = await _submit(lsp, self_assessment=[{"unit_code": first, "answer": "K"},
                                              {"unit_code": second, "answer": "BK"},
                                              {"unit_code": "X.99NOPE.001.1", "answer": "K"}])
    text = _text(await _download(lsp, aid, "apl02"))
    assert "FR.APL.02" in text and "Budi Santoso" in text
    for unit in units:
        assert unit["code"] in text
    assert "X.99NOPE.001.1" in text and "diabaikan" in text  # the unknown unit: a warning, not an answer


async def test_apl02_without_a_self_assessment_has_blank_boxes(lsp: Lsp) -> None:
    aid = await _submit(lsp)
    text = _text(await _download(lsp, aid, "apl02"))
    assert "belum diisi" in text


def test_self_assessment_keeps_only_the_schemes_units() -> None:
    sections = {"qualification": {"self_assessment": [
        {"unit_code": "A", "answer": "k"}, {"unit_code": "B", "answer": "maybe"}, {"unit_code": "Z", "answer": "BK"},
        "junk"]}}
    assert self_assessment(sections, {"A", "B"}) == ({"A": "K"}, ["Z"])
    assert self_assessment({}, {"A"}) == ({}, [])


async def test_apl01_unsigned_before_verification_then_signed_with_the_recommendation(lsp: Lsp) -> None:
    aid = await _submit(lsp)
    before = await _download(lsp, aid, "apl01")
    text = _text(before)
    assert "FR.APL.01" in text and "Budi Santoso" in text and "Bandung" in text and SCHEME in text
    assert "ktp" in text  # the evidence list
    assert "Belum diverifikasi" in text
    assert PdfFileReader(io.BytesIO(before), strict=False).embedded_signatures == []

    r = await lsp.post(aid, "verification", {"decision": "accepted"}, "admin")
    assert r.status_code == 200, r.text
    signed_at = r.json()["apl01"]["signed_at"]
    after = await _download(lsp, aid, "apl01")
    text = _text(after)
    assert "DITERIMA" in text and "admin" in text and "WIB" in text
    from datetime import datetime
    from zoneinfo import ZoneInfo

    local = datetime.fromisoformat(signed_at).astimezone(ZoneInfo("Asia/Jakarta"))
    assert f"{local:%H:%M} WIB" in text
    status = await _signature(after, lsp)
    assert status.intact and status.valid and status.bottom_line


async def test_a_returned_application_shows_tidak_diterima_and_the_reason(lsp: Lsp) -> None:
    aid = await drive(lsp, "returned")
    text = _text(await _download(lsp, aid, "apl01"))
    assert "TIDAK DITERIMA" in text and "KTP buram" in text


async def _wait_calls(route: respx.Route, count: int) -> None:
    await eventually(lambda: route.call_count >= count, what=f"{count} calls to SIKI")


async def test_forms_go_to_siki_on_receipt_and_with_the_verification_report(
        lsp: Lsp, siki_router: respx.MockRouter, siki: respx.Route) -> None:
    upload = siki_router["submit_application_forms"]
    aid = await _submit(lsp)
    await _wait_calls(upload, 1)
    body = json.loads(upload.calls[-1].request.content)
    assert upload.calls[-1].request.url.path == f"/api/v1/applications/{aid}/forms"
    assert {f["form"]: f["signed"] for f in body["forms"]} == {"apl01": False, "apl02": False}
    assert base64.b64decode(body["forms"][0]["content_base64"]).startswith(b"%PDF-")

    r = await lsp.post(aid, "verification", {"decision": "accepted"}, "admin")
    assert r.status_code == 200, r.text
    await lsp.wait_reports_sent(aid)
    reports = [json.loads(c.request.content) for c in siki.calls
               if c.request.url.path == f"/api/v1/applications/{aid}/status"]
    accepted = next(r for r in reports if r["status"] == "accepted")
    forms = {f["form"]: f for f in accepted["forms"]}
    assert forms["apl01"]["signed"] is True
    assert (await _signature(base64.b64decode(forms["apl01"]["content_base64"]), lsp)).bottom_line
    assert all(r.get("forms") is None for r in reports if r["status"] != "accepted")


async def test_an_unchanged_form_is_built_and_signed_once(
        lsp: Lsp, siki_router: respx.MockRouter, siki: respx.Route) -> None:
    upload = siki_router["submit_application_forms"]
    aid = await _submit(lsp)
    await _wait_calls(upload, 1)
    sent = {f["form"]: f["content_base64"] for f in json.loads(upload.calls[-1].request.content)["forms"]}
    r = await lsp.post(aid, "verification", {"decision": "accepted"}, "admin")
    assert r.status_code == 200, r.text
    await lsp.wait_reports_sent(aid)
    accepted = next(json.loads(c.request.content) for c in siki.calls
                    if c.request.url.path == f"/api/v1/applications/{aid}/status"
                    and json.loads(c.request.content)["status"] == "accepted")
    reported = {f["form"]: f["content_base64"] for f in accepted["forms"]}
    assert reported["apl02"] == sent["apl02"]  # unchanged since the receipt: the same document
    assert reported["apl01"] != sent["apl01"]  # now with the recommendation, signed
    # A download after the verification: the APL-01 signed then, not signed again.
    assert base64.b64encode(await _download(lsp, aid, "apl01")).decode() == reported["apl01"]


async def test_only_this_lsps_staff_open_the_forms(lsp: Lsp) -> None:
    aid = await _submit(lsp)
    r = await lsp.client.get(f"/api/v1/applications/{aid}/forms/apl01")
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    # An asesor not assigned to the application does not see it.
    r = await lsp.client.get(f"/api/v1/applications/{aid}/forms/apl02", headers=await lsp.as_("asesor1"))
    assert r.status_code == 403
    r = await lsp.client.get("/api/v1/applications/nope/forms/apl02", headers=await lsp.as_("admin"))
    assert r.status_code == 404



async def test_forms_are_built_holding_no_database_connection(
        lsp: Lsp, siki_router: respx.MockRouter, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendering and signing take a worker thread for tens of milliseconds, seconds under load:
    the forms sent on receipt and a download are built after their session closed, so they hold
    none of the pool's connections meanwhile (the pool's wait ran out for other requests)."""
    from contextvars import ContextVar

    from services.lsp.documents import apl

    ctx = lsp.app.state.lsp
    real = ctx.sessions
    # The sessions still open in the task that renders (asyncio.to_thread copies its context);
    # the background tasks' own sessions are not counted.
    open_here: ContextVar[list[object] | None] = ContextVar("open_here", default=None)

    class Tracking:
        kw = real.kw

        def __call__(self, **kw: Any) -> Any:
            session = real(**kw)
            opened = open_here.get()
            if opened is None:
                opened = []
                open_here.set(opened)
            opened.append(session)
            close = session.close

            async def closing() -> None:
                try:
                    await close()
                finally:
                    if session in opened:
                        opened.remove(session)

            session.close = closing  # type: ignore[method-assign]
            return session

    held: list[int] = []

    def counting(render: Any) -> Any:
        def wrapped(data: Any) -> bytes:
            held.append(len(open_here.get() or []))
            return render(data)  # type: ignore[no-any-return]
        return wrapped

    monkeypatch.setattr(ctx, "sessions", Tracking())
    monkeypatch.setattr(apl, "render_apl01", counting(apl.render_apl01))
    monkeypatch.setattr(apl, "render_apl02", counting(apl.render_apl02))
    aid = await _submit(lsp, education="S1")
    await _wait_calls(siki_router["submit_application_forms"], 1)  # send_forms: both forms
    assert held == [0, 0], held
    await _download(lsp, aid, "apl02", user="admin")  # the same APL-02: one of those built
    assert held == [0, 0], held
    r = await lsp.post(aid, "verification", {"decision": "accepted"}, "admin")  # APL-01 signed in the step
    assert r.status_code == 200, r.text
    held.clear()
    forms_module._BUILT.clear()  # a download that has to build the form itself
    await _download(lsp, aid, "apl01", user="admin")
    assert held == [0], held
