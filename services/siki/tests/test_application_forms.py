"""FR.APL.01 / FR.APL.02: the LSP sends them on receipt and with its verification report; SIKI
keeps the latest (encrypted at rest), serves them to the portal, and refuses anyone else."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import respx
from sqlalchemy import text

from services.siki.tests.conftest import WEBHOOK_A, report, running, submission

UNSIGNED = b"%PDF-1.7\n% FR.APL.01 unsigned\n%%EOF\n"
SIGNED = b"%PDF-1.7\n% FR.APL.01 signed by the LSP\n%%EOF\n"
APL02 = b"%PDF-1.7\n% FR.APL.02\n%%EOF\n"


def _form(form: str, pdf: bytes, *, signed: bool = False, submission_no: int = 1) -> dict[str, Any]:
    return {"form": form, "signed": signed, "submission_no": submission_no,
            "content_base64": base64.b64encode(pdf).decode()}


async def test_forms_kept_served_to_the_portal_and_refused_to_others(make_settings: Any,
                                                                     lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).mock(return_value=httpx.Response(200))
    async with running(make_settings()) as h:
        body = submission()
        app_id = body["id"]
        assert (await h.submit(body)).status_code == 202
        url = f"/api/v1/applications/{app_id}/forms"

        # Before the LSP sent any: 404 naming the form.
        r = await h.client.get(f"{url}/apl01", headers=h.portal)
        assert r.status_code == 404 and r.json()["field"] == "form"
        assert "FR.APL.01" in r.json()["detail"]

        upload = {"forms": [_form("apl01", UNSIGNED), _form("apl02", APL02)]}
        # Only the application's own LSP sends them; the portal cannot.
        assert (await h.client.put(url, json=upload, headers=h.lsp_b)).status_code == 403
        assert (await h.client.put(url, json=upload, headers=h.portal)).status_code in (401, 403)
        bad = {"forms": [_form("apl01", b"GIF89a")]}
        r = await h.client.put(url, json=bad, headers=h.lsp_a)
        assert r.status_code == 422 and r.json()["field"] == "forms.0.content_base64"
        r = await h.client.put(url, json=upload, headers=h.lsp_a)
        assert r.status_code == 200, r.text
        assert r.json()["stored"] == ["apl01", "apl02"]
        assert (await h.client.put(url, json=upload, headers=h.lsp_a)).json()["stored"] == []  # idempotent

        got = await h.client.get(f"{url}/apl02", headers=h.portal)
        assert got.status_code == 200 and got.content == APL02
        assert got.headers["content-type"] == "application/pdf"
        # Another LSP (and nobody unauthenticated) reads no forms.
        assert (await h.client.get(f"{url}/apl01", headers=h.lsp_b)).status_code in (401, 403)
        assert (await h.client.get(f"{url}/apl01")).status_code == 401

        # The signed APL-01 travels with the verification report.
        r = await h.report(app_id, report("accepted", forms=[_form("apl01", SIGNED, signed=True)]))
        assert r.status_code == 200, r.text
        assert (await h.client.get(f"{url}/apl01", headers=h.portal)).content == SIGNED
        # A late upload of the unsigned one (from the receipt) does not replace it.
        r = await h.client.put(url, json={"forms": [_form("apl01", UNSIGNED)]}, headers=h.lsp_a)
        assert r.status_code == 200 and r.json()["stored"] == []
        assert (await h.client.get(f"{url}/apl01", headers=h.portal)).content == SIGNED

        # Encrypted at rest: the stored bytes are not the PDF.
        async with h.runtime.engine.connect() as conn:
            rows = (await conn.execute(text(
                "SELECT d.content FROM documents d JOIN application_forms f ON f.sha256 = d.sha256"))).all()
        assert rows and all(b"%PDF" not in bytes(row[0]) for row in rows)

        assert (await h.client.get("/api/v1/applications/nope/forms/apl01", headers=h.portal)).status_code == 404
        assert (await h.client.put("/api/v1/applications/nope/forms", json=upload,
                                   headers=h.lsp_a)).status_code == 404
