"""Helpers for the renewal (perpanjangan) and change (perubahan) tests: submissions of each kind,
and SIKI, BNSP and LPJK faked with respx, BNSP and LPJK keeping the requests they got."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import httpx
import respx

from services.lsp.tests.support import ELIGIBILITY_PATH, NIK, SIKI_URL, Lsp, eligible, submission

PKB_DOC = {"id": "doc-pkb", "kind": "pkb", "sha256": "1" * 64, "content_type": "application/pdf", "size": 10}
CHANGE_DOC = {"id": "doc-ubah", "kind": "bukti_perubahan", "sha256": "2" * 64, "content_type": "application/pdf",
              "size": 10}


def held(skk_number: str = "SKK-OLD-1", *, recording_number: str = "REC-OLD-1", jabatan_kerja_code: str = "SI011002",
         jenjang: int = 7, kualifikasi: str = "Ahli", valid_until: str = "2027-03-01",
         status: str = "active") -> dict[str, Any]:
    """A PreviousCertificate as SIKI fills it from its register."""
    return {"skk_number": skk_number, "registration_number": "REG-OLD-1", "recording_number": recording_number,
            "issued_on": "2022-03-02", "valid_until": valid_until, "klasifikasi_code": "SI",
            "subklasifikasi_code": "SI01", "kualifikasi": kualifikasi, "jabatan_kerja_code": jabatan_kerja_code,
            "jenjang": jenjang, "status": status}


def renewal(*, pkb_credits: int | None = 120, pkb_document: bool = True, jabatan_kerja_code: str = "SI011002",
            jenjang: int = 7, kualifikasi: str = "Ahli", **held_kw: Any) -> dict[str, Any]:
    sub = submission(jabatan_kerja_code=jabatan_kerja_code, jenjang=jenjang, kualifikasi=kualifikasi)
    previous = held(jabatan_kerja_code=jabatan_kerja_code, jenjang=jenjang, kualifikasi=kualifikasi, **held_kw)
    sub.update(application_kind="perpanjangan", previous_skk_number=previous["skk_number"],
               previous_certificate=previous, pkb_credits=pkb_credits,
               documents=[PKB_DOC] if pkb_document else [])
    return sub


def change(new_name: str = "Budi Santosa", **held_kw: Any) -> dict[str, Any]:
    """A change of the holder's name: the new name in the personal-data section and as applicant."""
    sub = submission()
    previous = held(**held_kw)
    sub["sections"]["personal"]["full_name"] = new_name
    sub["applicant"]["full_name"] = new_name
    sub.update(application_kind="perubahan", previous_skk_number=previous["skk_number"],
               previous_certificate=previous, changed_fields=["full_name"], documents=[CHANGE_DOC])
    return sub


@dataclass
class Authorities:
    """The respx router and what BNSP and LPJK were asked (request bodies, in order)."""

    router: respx.MockRouter
    bnsp: list[dict[str, Any]] = field(default_factory=list)
    lpjk: list[dict[str, Any]] = field(default_factory=list)

    def siki_bodies(self) -> list[dict[str, Any]]:
        return [json.loads(c.request.content) for c in self.router["report_status"].calls]


@contextmanager
def authorities() -> Iterator[Authorities]:
    """SIKI answering as in conftest.py; BNSP numbering (a change keeps the held SKK number, as
    BNSP does for a perubahan) and LPJK recording, each idempotent on its key like the real ones."""
    with respx.mock(assert_all_called=False) as router:
        faked = Authorities(router)
        router.post(url__regex=rf"^{SIKI_URL}/api/v1/applications/[^/]+/status$", name="report_status").mock(
            return_value=httpx.Response(200, json={"ok": True}))
        router.get(url__regex=SIKI_URL + ELIGIBILITY_PATH.lstrip("^"), name="eligibility").mock(side_effect=eligible)
        router.put(url__regex=rf"^{SIKI_URL}/api/v1/applications/[^/]+/forms$").mock(
            return_value=httpx.Response(200, json={"ok": True}))
        numbers: dict[str, dict[str, Any]] = {}
        records: dict[str, dict[str, Any]] = {}

        def bnsp(request: httpx.Request) -> httpx.Response:
            body = json.loads(request.content)
            faked.bnsp.append(body)
            if body["application_id"] not in numbers:
                n = len(numbers) + 1
                skk = body["previous_skk_number"] if body["application_kind"] == "perubahan" else f"SKK-NEW-{n}"
                numbers[body["application_id"]] = {
                    "lsp_code": body["lsp_code"], "application_id": body["application_id"], "skk_number": skk,
                    "registration_number": f"REG-NEW-{n}", "issued_at": datetime.now(UTC).isoformat()}
            return httpx.Response(201, json=numbers[body["application_id"]])

        def lpjk(request: httpx.Request) -> httpx.Response:
            body = json.loads(request.content)
            faked.lpjk.append(body)
            key = f"{body['skk_number']}|{body['application_id']}"
            if key not in records:
                number = f"REC-NEW-{len(records) + 1}"
                records[key] = {"recording_number": number, "skk_number": body["skk_number"],
                                "registration_number": body["registration_number"], "qr_payload": f"qr:{number}",
                                "verification_url": f"http://lpjk.test/verifikasi/{number}",
                                "issued_on": body["issued_on"], "valid_until": body["valid_until"]}
            return httpx.Response(201, json=records[key])

        router.post("http://bnsp.test/api/v1/issuances", name="bnsp").mock(side_effect=bnsp)
        router.post("http://lpjk.test/api/v1/records", name="lpjk").mock(side_effect=lpjk)
        yield faked


async def wait_status(lsp: Lsp, application_id: str, status: str, limit_seconds: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + limit_seconds
    while (view := await lsp.get(application_id))["status"] != status:
        assert time.monotonic() < deadline, f"still {view['status']}, waiting for {status}"
        await asyncio.sleep(0.05)
    return view


async def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def pay_and_assess(lsp: Lsp, aid: str) -> dict[str, Any]:
    """From ``invoiced`` to ``assessed`` (payment proof, its verification, schedule, report)."""
    from services.lsp.tests.support import tomorrow_at

    doc = {"id": f"pay-{aid}", "kind": "payment_proof", "sha256": "0" * 64, "content_type": "application/pdf",
           "size": 10}
    r = await lsp.webhook("payment.proof_uploaded", {"application_id": aid, "proof_no": 1, "document": doc,
                                                     "uploaded_at": datetime.now(UTC).isoformat()})
    await ok(r)
    await ok(await lsp.post(aid, "payment-verification", {"decision": "valid"}, "admin"))
    await ok(await lsp.post(aid, "start-certification", None, "admin"))
    day = lsp.next_day
    lsp.next_day += 1
    await ok(await lsp.post(aid, "schedule", {"assessor_username": "asesor1", "tuk_code": "TUK-A-01",
                                              "scheduled_at": tomorrow_at(days=day)}, "admin"))
    return await ok(await lsp.post(aid, "assessment-report", {"recommendation": "K", "notes": "baik"}, "asesor1"))


def years_later(d: date, years: int) -> date:
    return date.fromordinal(d.replace(year=d.year + years).toordinal() - 1)


__all__ = ["NIK", "authorities", "change", "held", "ok", "pay_and_assess", "renewal", "wait_status", "years_later"]
