"""Whole-chain journeys: every service its own process (two LSPs), RabbitMQ, PostgreSQL and a
real SMTP sink, driven only through the public APIs (docs/CONTRACTS.md).

Each journey asserts SIKI's timeline (the record of truth) and the portal's, the applicant's
notifications and emails, the numbers, and the certificate as LPJK verifies it. The tests run
in file order; the last one checks the services' logs for errors.
"""

from __future__ import annotations

import io
import re
import uuid
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader

from scripts.simulator.api import ApiError, wait_until
from scripts.simulator.chains import RunningChain
from scripts.simulator.journeys import (
    PASSWORD,
    Chain,
    JourneyResult,
    Plan,
    assess,
    fill_application,
    lsp_reaches,
    onboard,
    pay,
    portal_reaches,
    run_journey,
)
from scripts.simulator.logscan import scan_logs
from scripts.simulator.people import Person, make_people
from scripts.simulator.run import simulate

pytestmark = pytest.mark.chain


def new_person(seed: int | None = None) -> Person:
    return make_people(1, seed=seed if seed is not None else uuid.uuid4().int % 10**9,
                       tag="t" + uuid.uuid4().hex[:6])[0]


def statuses(timeline: list[dict[str, Any]]) -> list[str]:
    return [str(t["status"]) for t in timeline]


def without_draft(items: list[str]) -> list[str]:
    return [s for s in items if s != "draft"]


async def assert_timelines(chain: Chain, result: JourneyResult) -> dict[str, Any]:
    """SIKI's timeline is exactly the planned one, and the portal shows the same steps."""
    assert result.error is None, result.error
    assert result.final_status == result.plan.expected_final
    app_id = result.application_id
    assert app_id is not None
    expected = result.plan.expected_statuses()
    # The portal may show the last step before SIKI has recorded it (``completed`` follows the
    # download through the bus): wait for SIKI to catch up, then compare exactly.
    siki = await wait_until(f"SIKI timeline of {app_id}", lambda: chain.siki.timeline(app_id),
                            lambda t: t["status"] == expected[-1], timeout=20)
    assert statuses(siki["timeline"]) == expected
    assert siki["status"] == expected[-1]
    assert siki["lsp_code"] == result.plan.lsp_code
    seqs = [t["seq"] for t in siki["timeline"]]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert without_draft(statuses(result.application["timeline"])) == expected
    for item in result.application["timeline"]:
        assert item["at"] and item["actor"]
    return siki


async def assert_notified(chain: Chain, person: Person, app_id: str, expected: list[str]) -> list[dict[str, Any]]:
    """Every step SIKI announced after the submission reaches the applicant as a notification
    (polled: the last one may trail the status the portal already shows)."""
    portal = chain.portal()
    await portal.login(person.email, PASSWORD)

    async def mine() -> list[dict[str, Any]]:
        return [n for n in await portal.notifications() if n.get("application_id") == app_id]

    def missing(notes: list[dict[str, Any]]) -> set[str]:
        return set(expected[1:]) - {str(n.get("status")) for n in notes}

    try:
        notes = await wait_until("notifications", mine, lambda n: not missing(n), timeout=20)
    except AssertionError:
        notes = await mine()
        raise AssertionError(f"no notification for {sorted(missing(notes))}; got "
                             f"{sorted({str(n.get('status')) for n in notes})}") from None
    assert all(n["message"] for n in notes)
    return list(notes)


def pdf_text(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages))


async def assert_certificate(chain: Chain, result: JourneyResult) -> dict[str, Any]:
    """The numbers, the PDF, LPJK's public verification (by number and by QR payload)."""
    cert = result.application.get("certificate") or {}
    for key in ("skk_number", "registration_number", "recording_number", "issued_on", "valid_until", "qr_payload"):
        assert cert.get(key), f"certificate without {key}: {cert}"
    issued_on, valid_until = date.fromisoformat(cert["issued_on"]), date.fromisoformat(cert["valid_until"])
    assert valid_until.year - issued_on.year == 5
    assert result.certificate_pdf is not None and result.certificate_pdf.startswith(b"%PDF-")
    text = pdf_text(result.certificate_pdf)
    for key in ("skk_number", "registration_number", "recording_number"):
        assert re.sub(r"\s+", "", cert[key]) in text, f"{key} {cert[key]} not in the certificate PDF"
    by_number = await chain.lpjk.verify_certificate(cert["recording_number"])
    assert by_number["valid"] is True
    assert by_number["skk_number"] == cert["skk_number"]
    assert by_number["registration_number"] == cert["registration_number"]
    assert by_number["jabatan_kerja_code"] == result.plan.jabatan_kerja_code
    assert by_number["lsp_code"] == result.plan.lsp_code
    by_qr = await chain.lpjk.verify_qr(cert["qr_payload"])
    assert by_qr["valid"] is True
    assert by_qr["recording_number"] == cert["recording_number"]
    assert by_qr["skk_number"] == cert["skk_number"]
    # A tampered payload must not verify.
    payload = cert["qr_payload"]
    flip = "A" if payload[-2] != "A" else "B"
    try:
        tampered = await chain.lpjk.verify_qr(payload[:-2] + flip + payload[-1])
        assert tampered["valid"] is False
    except ApiError as exc:
        assert exc.status in (400, 422)
    return cert


async def assert_emails(chain: Chain, person: Person, certificate: bool) -> None:
    mails = chain.mailbox.messages(person.email)
    assert any("token=" in m.body for m in mails), [m.subject for m in mails]
    if certificate:
        got = await chain.mailbox.wait_for(person.email, "Sertifikat", timeout=30)
        assert got


async def assert_registered(chain: Chain, nik: str, app_id: str, cert: dict[str, Any]) -> None:
    """SIKI's register of SKK per NIK holds this SKK exactly once (fed by LPJK's event)."""
    held = await wait_until("SKK register", lambda: chain.siki.skk_by_nik(nik),
                            lambda h: any(k["application_id"] == app_id for k in h["skk"]), timeout=20)
    mine = [k for k in held["skk"] if k["application_id"] == app_id]
    assert len(mine) == 1, mine
    for key in ("skk_number", "registration_number", "recording_number"):
        assert mine[0][key] == cert[key]
    assert mine[0]["valid"] is True
    assert all(a["id"] != app_id for a in held["applications_in_progress"])


async def journey(chain: Chain, plan: Plan, **kw: Any) -> tuple[JourneyResult, list[dict[str, Any]]]:
    person = new_person()
    result = await run_journey(chain, person, plan, **kw)
    assert result.error is None, f"{plan.scenario}: {result.error}"
    assert result.application_id is not None
    notes = await assert_notified(chain, person, result.application_id, plan.expected_statuses())
    return result, notes


@pytest.mark.parametrize(("lsp_code", "jabatan_kerja_code"), [("LSP-A", "SI012001"), ("LSP-B", "ME032002")])
async def test_happy_path_to_a_verified_certificate(chain: Chain, lsp_code: str, jabatan_kerja_code: str) -> None:
    plan = Plan(lsp_code=lsp_code, jabatan_kerja_code=jabatan_kerja_code)
    result, _notes = await journey(chain, plan)
    await assert_timelines(chain, result)
    await assert_emails(chain, result.person, certificate=True)
    cert = await assert_certificate(chain, result)
    invoice = result.application["invoice"]
    assert invoice["number"].startswith(f"INV/{lsp_code}/")
    assert float(invoice["amount"]) > 0 and invoice["currency"] == "IDR"
    await assert_registered(chain, result.person.nik, str(result.application_id), cert)


async def test_returned_as_incomplete_fixed_and_resubmitted(chain: Chain) -> None:
    plan = Plan(lsp_code="LSP-A", jabatan_kerja_code="SI032002", return_first=True)
    result, notes = await journey(chain, plan)
    siki = await assert_timelines(chain, result)
    returned = next(t for t in siki["timeline"] if t["status"] == "returned")
    assert any("APL-02" in r for r in returned["reasons"])
    assert any(n.get("status") == "returned" and "APL-02" in n["message"] for n in notes)
    await assert_certificate(chain, result)


async def test_cancelled_for_late_payment(chain: Chain) -> None:
    plan = Plan(lsp_code="LSP-B", jabatan_kerja_code="TL032011", pay=False)
    result, _notes = await journey(chain, plan)
    await assert_timelines(chain, result)
    assert result.application.get("certificate") in (None, {})
    # Paying after the cancellation changes nothing.
    portal = chain.portal()
    await portal.login(result.person.email, PASSWORD)
    with pytest.raises(ApiError) as refused:
        await pay(portal, str(result.application_id), result.person)
    assert refused.value.status == 409
    assert (await portal.get_application(str(result.application_id)))["status"] == "cancelled"


async def test_payment_proof_rejected_then_accepted(chain: Chain) -> None:
    plan = Plan(lsp_code="LSP-A", jabatan_kerja_code="ME053018", reject_payment_first=True)
    result, _notes = await journey(chain, plan)
    siki = await assert_timelines(chain, result)
    rejected = next(t for t in siki["timeline"] if t["status"] == "payment_rejected")
    assert rejected["reasons"]
    await assert_certificate(chain, result)


async def test_belum_kompeten_appeal_upheld_reassessed_by_another_assessor(chain: Chain) -> None:
    plan = Plan(lsp_code="LSP-B", jabatan_kerja_code="MP041015", first_recommendation="BK", appeal="upheld")
    result, _notes = await journey(chain, plan, first_assessor="asesor1")
    siki = await assert_timelines(chain, result)
    actors = {t["status"]: t["actor"] for t in siki["timeline"]}
    assessed = [t["actor"] for t in siki["timeline"] if t["status"] == "assessed"]
    assert len(assessed) == 2 and assessed[0] != assessed[1], assessed
    assert "asesor1" in assessed[0] and "asesor2" in assessed[1]
    assert "komite" in actors["appeal_upheld"] and "komite" in actors["competent"]
    await assert_certificate(chain, result)


async def test_belum_kompeten_appeal_rejected_ends_there(chain: Chain) -> None:
    plan = Plan(lsp_code="LSP-A", jabatan_kerja_code="AR012005", first_recommendation="BK", appeal="rejected")
    result, _notes = await journey(chain, plan)
    await assert_timelines(chain, result)
    assert not result.application.get("certificate")


async def test_ownership_limit_refuses_a_second_ahli_klasifikasi_outside_mp(chain: Chain) -> None:
    """Ahli is the cheapest limit to reach: with one Ahli SKK held in Sipil, a second Ahli
    klasifikasi must be Manajemen Pelaksanaan (PP 14/2021), so Mekanikal is refused at once."""
    person = new_person()
    plan = Plan(lsp_code="LSP-A", jabatan_kerja_code="SI031018")
    first = await run_journey(chain, person, plan)
    assert first.error is None and first.final_status == "completed", first.error
    await assert_registered(chain, person.nik, str(first.application_id), first.application["certificate"])

    portal = chain.portal()
    await portal.login(person.email, PASSWORD)
    refused_plan = Plan(lsp_code="LSP-B", jabatan_kerja_code="ME011006")
    app_id = await fill_application(portal, person, refused_plan)
    with pytest.raises(ApiError) as refused:
        await portal.submit(app_id)
    assert refused.value.status == 422
    problem = refused.value.body
    assert "klasifikasi_code" in str(problem) and ("Manajemen Pelaksanaan" in str(problem) or "MP" in str(problem))
    still = await portal.get_application(app_id)
    assert still["status"] == "draft"
    with pytest.raises(ApiError) as unknown:
        await chain.siki.timeline(app_id)
    assert unknown.value.status == 404

    # The control: a second Ahli klasifikasi that is Manajemen Pelaksanaan is allowed.
    allowed_plan = Plan(lsp_code="LSP-B", jabatan_kerja_code="MP021010")
    allowed = await fill_application(portal, person, allowed_plan)
    await portal.submit(allowed)
    await lsp_reaches(chain, "LSP-B", allowed, "forwarded")
    await chain.staff["LSP-B"].verify_application(allowed, "rejected", ["uji batas kepemilikan: tidak dilanjutkan"])
    await portal_reaches(chain, portal, allowed, "returned")


async def test_lsp_restarted_mid_run_loses_nothing(chain: Chain, running_chain: RunningChain) -> None:
    procs = running_chain.processes
    assert procs is not None
    person = new_person()
    plan = Plan(lsp_code="LSP-B", jabatan_kerja_code="SI033006")
    portal = await onboard(chain, person)
    app_id = await fill_application(portal, person, plan)
    await portal.submit(app_id)
    staff = chain.staff["LSP-B"]
    await lsp_reaches(chain, "LSP-B", app_id, "forwarded")
    await staff.verify_application(app_id, "accepted")
    await portal_reaches(chain, portal, app_id, "invoiced")

    # LSP-B crashes; the applicant pays meanwhile: SIKI keeps retrying the webhook.
    procs.kill_one("LSP-B")
    await pay(portal, app_id, person)
    await portal_reaches(chain, portal, app_id, "payment_uploaded")
    await procs.restart_one("LSP-B", timeout=90)
    await lsp_reaches(chain, "LSP-B", app_id, "payment_uploaded")
    await staff.verify_payment(app_id, "valid")
    await staff.start_certification(app_id)
    await assess(chain, "LSP-B", app_id, "asesor2", "K")
    # ... and crashes again right after the decision, with the issuance in flight.
    procs.kill_one("LSP-B")
    await procs.restart_one("LSP-B", timeout=90)
    await portal_reaches(chain, portal, app_id, "certificate_issued", timeout=90)
    pdf = await portal.download_certificate(app_id)
    app = await portal_reaches(chain, portal, app_id, "completed")
    result = JourneyResult(person=person, plan=plan, application_id=app_id, final_status="completed",
                           application=app, certificate_pdf=pdf.content)
    await assert_timelines(chain, result)
    cert = await assert_certificate(chain, result)
    deliveries = await chain.siki.webhook_deliveries(application_id=app_id)
    assert deliveries and all(d.get("status") == "delivered" for d in deliveries), deliveries
    # One SKK, not two: the issuance retried after the crash did not number or record it again.
    await assert_registered(chain, person.nik, app_id, cert)


async def test_simulator_drives_a_handful_of_applicants(running_chain: RunningChain) -> None:
    """``skk simulate`` against this chain: one applicant per scenario, each in its expected end."""
    mix = {"happy": 1.0, "returned": 1.0, "payment_rejected": 1.0, "appeal_upheld": 1.0, "appeal_rejected": 1.0}
    report = await simulate(running_chain, 5, concurrency=5, seed=7, mix=mix, step_timeout=60, out=None)
    summary = report.summary()
    assert summary["as_expected"] == 5, summary["failures"]
    assert summary["final_states"] == {"completed": 4, "appeal_rejected": 1}
    assert set(summary["scenarios"]) == set(mix)
    assert summary["submit_to_certificate_seconds"]["n"] == 4


def test_services_logged_no_errors(running_chain: RunningChain) -> None:
    problems = scan_logs(running_chain.log_files)
    assert not problems, "\n".join(f"{p.file}:{p.line_no}: {p.text}" for p in problems[:30])

