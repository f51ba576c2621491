"""Issue 11's attacks on the ownership limits, each refused with nothing changed (read back):
Belum Kompeten in its appeal window, recorded before the register's event, the same jabatan kerja
twice; and the way out (an appeal in the window, a new jabatan kerja after the window)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import respx

from services.siki.tests.conftest import NIK, WEBHOOK_A, Harness, eventually, report, running, submission
from shared.bus import EventEnvelope
from shared.contracts.events import SKK_RECORDED
from shared.reference import get_reference

# Teknisi/Analis, all licensed to LSP-A, in two klasifikasi (SI, ME) and five subklasifikasi: six
# of them break only the count of five.
JK = ["SI012001", "SI012022", "SI032002", "SI152001", "ME022008", "ME032002"]
BEFORE_DECISION = ["accepted", "invoiced", "payment_verified", "in_certification", "scheduled", "assessed"]


def apply(jk: str, *, account: str = "user-1", app_id: str | None = None) -> dict[str, Any]:
    ref = get_reference().jabatan_kerja[jk]
    body = submission(app_id, jabatan_kerja_code=jk, klasifikasi_code=ref["subklasifikasi_code"][:2],
                      subklasifikasi_code=ref["subklasifikasi_code"], kualifikasi=ref["kualifikasi"],
                      jenjang=ref["jenjang"][0])
    body["applicant"]["user_id"] = account
    return body


async def submit_all(h: Harness, bodies: list[dict[str, Any]]) -> None:
    for body in bodies:
        r = await h.submit(body)
        assert r.status_code == 202, r.text


async def decide(h: Harness, app_id: str, decision: str, *, at: datetime | None = None) -> None:
    """Take a submitted application to the LSP's decision (``at``: when it was decided)."""
    for status in BEFORE_DECISION[:2]:
        assert (await h.report(app_id, report(status))).status_code == 200, status
    proof = {"proof_no": 1, "uploaded_at": datetime.now(UTC).isoformat(),
             "document": {"id": "d", "kind": "payment_proof", "sha256": "b" * 64, "content_type": "image/png",
                          "size": 3}}
    r = await h.client.post(f"/api/v1/applications/{app_id}/payment-proofs", json=proof, headers=h.portal)
    assert r.status_code == 202, r.text
    for status in BEFORE_DECISION[2:]:
        assert (await h.report(app_id, report(status))).status_code == 200, status
    step = report(decision)
    if at is not None:
        step["at"] = at.isoformat()
    assert (await h.report(app_id, step)).status_code == 200, decision


async def publish_recorded(h: Harness, app_id: str, jk: str, *, valid_until: date | None = None) -> None:
    """LPJK's ``skk.recorded`` (as LPJK publishes it) for ``app_id``."""
    ref = get_reference().jabatan_kerja[jk]
    payload = {
        "recording_number": f"LPJK-{app_id}", "skk_number": f"SKK-{app_id}", "registration_number": f"REG-{app_id}",
        "nik": NIK, "lsp_code": "LSP-A", "application_id": app_id, "klasifikasi_code": ref["subklasifikasi_code"][:2],
        "subklasifikasi_code": ref["subklasifikasi_code"], "kualifikasi": ref["kualifikasi"],
        "jabatan_kerja_code": jk, "jenjang": ref["jenjang"][0], "issued_on": "2024-01-01",
        "valid_until": (valid_until or date.today() + timedelta(days=365)).isoformat(),
    }
    await h.runtime.bus.publish(EventEnvelope(type=SKK_RECORDED, correlation_id=uuid.uuid4().hex,
                                              application_id=app_id, source="lpjk", payload=payload))

    async def registered() -> bool:
        q = await h.client.post("/api/v1/skk/query", json={"nik": NIK}, headers=h.operator)
        return any(k["application_id"] == app_id for k in q.json()["skk"])

    await eventually(registered, what=f"SKK of {app_id} in the register")


async def refused_unchanged(h: Harness, body: dict[str, Any], status: int = 422) -> dict[str, Any]:
    """Submit ``body``, expect a refusal, and show that nothing of it was recorded."""
    before = await held_ids(h)
    r = await h.submit(body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert (await h.client.get(f"/api/v1/applications/{body['id']}/timeline", headers=h.operator)).status_code == 404
    assert await h.deliveries(application_id=body["id"]) == []
    assert await held_ids(h) == before
    return dict(r.json())


async def held_ids(h: Harness) -> tuple[list[str], list[str]]:
    """The NIK's SKK and applications in progress, by id."""
    q = (await h.client.post("/api/v1/skk/query", json={"nik": NIK}, headers=h.operator)).json()
    return [k["recording_number"] for k in q["skk"]], [a["id"] for a in q["applications_in_progress"]]


def fields(problem: dict[str, Any]) -> list[str]:
    return [e["field"] for e in problem["errors"]]


async def test_belum_kompeten_counts_while_its_appeal_window_is_open(make_settings: Any,
                                                                    lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        bodies = [apply(jk) for jk in JK[:5]]
        await submit_all(h, bodies)
        nyc = bodies[4]["id"]
        await decide(h, nyc, "not_yet_competent")

        sixth = apply(JK[5])
        problem = await refused_unchanged(h, sixth)
        assert fields(problem) == ["qualification.kualifikasi"] and "this would be 6" in problem["errors"][0]["message"]

        # The appeal stays possible and takes no new place: the sixth is still refused.
        appeal = {"reason": "Asesor tidak menilai portofolio saya", "filed_at": datetime.now(UTC).isoformat()}
        r = await h.client.post(f"/api/v1/applications/{nyc}/appeals", json=appeal, headers=h.portal)
        assert r.status_code == 202 and r.json()["status"] == "appealed", r.text
        problem = await refused_unchanged(h, sixth)
        assert "this would be 6" in problem["errors"][0]["message"]
        assert (await h.report(nyc, report("appeal_upheld"))).status_code == 200
        await refused_unchanged(h, sixth)


async def test_belum_kompeten_after_its_window_frees_its_place_and_takes_no_appeal(
    make_settings: Any, lsp_http: respx.MockRouter
) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        bodies = [apply(jk) for jk in JK[:5]]
        await submit_all(h, bodies)
        nyc = bodies[4]["id"]
        await decide(h, nyc, "not_yet_competent", at=datetime.now(UTC) - timedelta(days=30))
        before = await h.timeline(nyc)

        sixth = apply(JK[5])
        assert (await h.submit(sixth)).status_code == 202

        # A late appeal would give it back a place: refused, and nothing changed.
        appeal = {"reason": "Asesor tidak menilai portofolio saya", "filed_at": datetime.now(UTC).isoformat()}
        r = await h.client.post(f"/api/v1/applications/{nyc}/appeals", json=appeal, headers=h.portal)
        assert r.status_code == 409, r.text
        assert r.json()["field"] == "filed_at" and "appeal window closed" in r.json()["detail"]
        assert await h.timeline(nyc) == before
        assert "appeal.filed" not in [d["type"] for d in await h.deliveries(application_id=nyc)]

        # Its jabatan kerja is free again too: another application for it breaks only the count.
        problem = await refused_unchanged(h, apply(JK[4]))
        assert fields(problem) == ["qualification.kualifikasi"]


async def test_recorded_counts_before_the_register_event_and_once_after(make_settings: Any,
                                                                       lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        bodies = [apply(jk) for jk in JK[:5]]
        await submit_all(h, bodies)
        recorded = bodies[4]["id"]
        await decide(h, recorded, "competent")
        for status in ("skk_numbered", "recorded"):
            assert (await h.report(recorded, report(status))).status_code == 200

        # LPJK's event has not reached the register: the application's own state counts.
        sixth = apply(JK[5])
        problem = await refused_unchanged(h, sixth)
        assert "this would be 6" in problem["errors"][0]["message"]
        # A second application for the recorded jabatan kerja: renewal is the way.
        same = apply(JK[4])
        problem = await refused_unchanged(h, same)
        jk_errors = [e for e in problem["errors"] if e["field"] == "qualification.jabatan_kerja_code"]
        assert len(jk_errors) == 1 and "perpanjangan" in jk_errors[0]["message"]

        # Once the event arrives the SKK counts once, not twice (still 6, not 7).
        await publish_recorded(h, recorded, JK[4])
        problem = await refused_unchanged(h, sixth)
        assert fields(problem) == ["qualification.kualifikasi"] and "this would be 6" in problem["errors"][0]["message"]


async def test_one_application_per_jabatan_kerja(make_settings: Any, lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).respond(204)
    async with running(make_settings()) as h:
        first = apply("SI012022")
        await submit_all(h, [first])
        for _ in range(2):  # the attack submitted five: each further one is refused
            problem = await refused_unchanged(h, apply("SI012022"))
            assert fields(problem) == ["qualification.jabatan_kerja_code"]
            assert "already in progress" in problem["errors"][0]["message"]

        # Held (in the register, valid): renew instead; an expired one is no obstacle.
        await publish_recorded(h, "old-held", "SI032002")
        problem = await refused_unchanged(h, apply("SI032002"))
        assert fields(problem) == ["qualification.jabatan_kerja_code"]
        assert "renew it (perpanjangan)" in problem["errors"][0]["message"]
        await publish_recorded(h, "old-expired", "SI152001", valid_until=date.today() - timedelta(days=1))
        await submit_all(h, [apply("SI152001")])

        # A resubmission after ``returned`` is the same application, not a second one.
        assert (await h.report(first["id"], report("returned", reasons=["APL-02"]))).status_code == 200
        assert (await h.submit({**first, "submission_no": 2})).status_code == 202
