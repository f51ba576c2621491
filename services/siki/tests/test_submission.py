from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import respx

from services.siki.tests.conftest import NIK, WEBHOOK_A, Harness, eventually, running, submission
from shared.contracts.events import SKK_RECORDED


async def test_refusal_lists_every_reason_and_changes_nothing(make_settings: Any) -> None:
    async with running(make_settings()) as h:
        # Five problems at once: the jenjang does not fit the jabatan kerja, LSP-B is not
        # licensed for it, the NIK encodes another birth date and a man, and an experience
        # period ends before it starts.
        lsps = (await h.client.get("/api/v1/lsps", headers=h.operator)).json()
        lsp_b_codes = {lsp["code"]: lsp for lsp in lsps}["LSP-B"]["jabatan_kerja_codes"]
        unlicensed = "SI013013" if "SI013013" not in lsp_b_codes else next(
            c for c in ("AR011001", "ME063109", "TL013007") if c not in lsp_b_codes)
        from shared.reference import get_reference

        jk = get_reference().jabatan_kerja[unlicensed]
        body = submission(
            lsp_code="LSP-B", jabatan_kerja_code=unlicensed, subklasifikasi_code=jk["subklasifikasi_code"],
            klasifikasi_code=jk["subklasifikasi_code"][:2], kualifikasi=jk["kualifikasi"],
            jenjang=9 if jk["jenjang"][0] != 9 else 8, birth_date="1991-08-17", gender="P",
            experience={"items": [{"start_date": "2020-01-01", "end_date": "2019-01-01"}]},
        )
        r = await h.submit(body)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        problem = r.json()
        fields = [e["field"] for e in problem["errors"]]
        assert "qualification.jenjang" in fields
        assert "qualification.lsp_code" in fields
        assert "experience.items.0.end_date" in fields
        messages = " | ".join(e["message"] for e in problem["errors"] if e["field"] == "personal.nik")
        assert "gender" in messages and "birth date" in messages
        # Nothing recorded: no timeline, no delivery, no event, not in progress for the NIK.
        t = await h.client.get(f"/api/v1/applications/{body['id']}/timeline", headers=h.operator)
        assert t.status_code == 404
        assert await h.deliveries(application_id=body["id"]) == []
        assert await h.outbox("application.status_changed") == []
        q = await h.client.post("/api/v1/skk/query", json={"nik": NIK}, headers=h.portal)
        assert q.json() == {"skk": [], "applications_in_progress": []}


async def test_submit_is_idempotent_and_resubmits_only_from_returned(
    make_settings: Any, lsp_http: respx.MockRouter
) -> None:
    route = lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        body = submission()
        first = await h.submit(body)
        assert first.status_code == 202, first.text
        assert first.json() == {"id": body["id"], "status": "submitted", "lsp_code": "LSP-A"}
        again = await h.submit(body)
        assert again.status_code == 202 and again.json() == first.json()
        await eventually(lambda: _status(h, body["id"], "forwarded"), what="forwarded")
        assert route.call_count == 1
        assert [d["type"] for d in await h.deliveries(application_id=body["id"])] == ["application.submitted"]
        events = await h.outbox("application.status_changed")
        assert [(e["seq"], e["status"]) for e in events] == [(1, "submitted"), (2, "forwarded")]
        assert events[0]["applicant_user_id"] == "user-1" and events[0]["lsp_code"] == "LSP-A"

        # Not returned: a second submission is refused and changes nothing.
        r = await h.submit({**body, "submission_no": 2})
        assert r.status_code == 409 and "returned" in r.json()["detail"]
        assert len(await h.timeline(body["id"])) == 2

        ret = await h.report(body["id"], {"report_id": "r-ret", "status": "returned", "actor": "LSP-A/admin",
                                          "at": "2026-01-01T00:00:00Z", "reasons": ["APL-02 missing"]})
        assert ret.status_code == 200, ret.text
        r = await h.submit({**body, "submission_no": 2})
        assert r.status_code == 202, r.text
        await eventually(lambda: _delivered_count(h, body["id"], 2), what="resubmission delivered")
        types = sorted(d["type"] for d in await h.deliveries(application_id=body["id"]))
        assert types == ["application.resubmitted", "application.submitted"]
        statuses = [e["status"] for e in await h.timeline(body["id"])]
        assert statuses == ["submitted", "forwarded", "returned", "submitted", "forwarded"]


def _skk(i: int, sub: str, *, kualifikasi: str = "Teknisi/Analis", valid_until: date | None = None) -> dict[str, Any]:
    return {
        "recording_number": f"LPJK-{i}", "skk_number": f"SKK-{i}", "registration_number": f"REG-{i}",
        "nik": NIK, "lsp_code": "LSP-A", "application_id": f"old-{i}", "klasifikasi_code": sub[:2],
        "subklasifikasi_code": sub, "kualifikasi": kualifikasi, "jabatan_kerja_code": f"{sub}2999",
        "jenjang": 4, "issued_on": "2024-01-01",
        "valid_until": (valid_until or date.today() + timedelta(days=365)).isoformat(),
    }


async def test_recorded_skk_feed_the_limits(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(200)
    async with running(make_settings()) as h:
        # An expired SKK does not count; the same event twice counts once.
        await h.publish(SKK_RECORDED, _skk(0, "SI03", valid_until=date.today() - timedelta(days=1)), "old-0")
        for i, sub in enumerate(["SI02", "SI03", "SI04", "SI06"], start=1):
            await h.publish(SKK_RECORDED, _skk(i, sub), f"old-{i}")
        await h.publish(SKK_RECORDED, _skk(4, "SI06"), "old-4")
        await eventually(lambda: _skk_count(h, 5), what="5 SKK in the register")

        fifth = submission()
        r = await h.submit(fifth)
        assert r.status_code == 202, r.text  # 4 valid SKK + this one = 5

        # The fifth is recorded: it counts once, as an SKK, not also as in progress.
        await h.publish(SKK_RECORDED, {**_skk(5, "SI01"), "application_id": fifth["id"]}, fifth["id"])
        await eventually(lambda: _skk_count(h, 6), what="6 SKK in the register")
        sixth = submission()
        r = await h.submit(sixth)
        assert r.status_code == 422, r.text
        errors = r.json()["errors"]
        assert [e["field"] for e in errors] == ["qualification.kualifikasi"], errors
        assert "this would be 6" in errors[0]["message"]
        # The register as the portal sees it: the valid ones flagged.
        q = await h.client.post("/api/v1/skk/query", json={"nik": NIK}, headers=h.portal)
        data = q.json()
        assert sum(1 for k in data["skk"] if k["valid"]) == 5
        assert [a["id"] for a in data["applications_in_progress"]] == [fifth["id"]]


async def _skk_count(h: Harness, n: int) -> bool:
    r = await h.client.post("/api/v1/skk/query", json={"nik": NIK}, headers=h.operator)
    return len(r.json()["skk"]) == n


async def _status(h: Harness, app_id: str, status: str) -> bool:
    r = await h.client.get(f"/api/v1/applications/{app_id}/timeline", headers=h.operator)
    return r.status_code == 200 and r.json()["status"] == status


async def _delivered_count(h: Harness, app_id: str, n: int) -> bool:
    return sum(d["status"] == "delivered" for d in await h.deliveries(application_id=app_id)) == n


async def test_only_the_portal_submits(make_settings: Any) -> None:
    async with running(make_settings()) as h:
        r = await h.client.post("/api/v1/applications", json=submission(), headers=h.lsp_a)
        assert r.status_code == 403
        r = await h.client.post("/api/v1/applications", json=submission(), headers={"Authorization": "Bearer nope"})
        assert r.status_code == 401
