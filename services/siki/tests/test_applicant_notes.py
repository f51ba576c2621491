"""What SIKI's timeline tells the applicant: the reasons of a return, the assessment's time in
WIB with the TUK and asesor, and until when a Belum Kompeten decision may be appealed; the
``application.status_changed`` event carries them to the portal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import respx

from services.siki.domain.limits import AppealWindow
from services.siki.tests.conftest import WEBHOOK_A, report, running, submission
from services.siki.usecases.timeline import Timeline, applicant_note, wib_moment
from shared.contracts.events import APPLICATION_STATUS_CHANGED
from shared.contracts.siki import AssessmentInfo
from shared.contracts.states import ApplicationStatus as S

AT = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)  # Friday 09.00 WIB
INFO = AssessmentInfo(assessor_username="asesor1", assessor_name="Ir. Siti Rahma", tuk_code="TUK-A-01",
                      tuk_name="TUK Sewaktu LSP-A Jakarta", scheduled_at=AT)


def test_note_carries_reasons_and_the_wib_time() -> None:
    assert wib_moment(AT) == "Jumat, 04-12-2026 pukul 09.00 WIB"
    note = applicant_note("FR.APL.01 direkomendasikan tidak diterima", ["KTP buram", "ijazah tidak terbaca"], None)
    assert note == "FR.APL.01 direkomendasikan tidak diterima. Alasan: KTP buram; ijazah tidak terbaca."
    note = applicant_note("Asesmen 2026-12-04 di TUK-A-01", [], INFO)
    assert note is not None and "Jumat, 04-12-2026 pukul 09.00 WIB di TUK Sewaktu LSP-A Jakarta" in note
    assert "asesor Ir. Siti Rahma" in note
    # What the LSP's note already says is not said twice.
    lsp_note = "Asesmen dijadwalkan Jumat, 04-12-2026 pukul 09.00 WIB di TUK Sewaktu LSP-A Jakarta, asesor Ir. Siti"
    assert applicant_note(lsp_note, [], INFO) == lsp_note + "."
    assert applicant_note("Alasan: KTP buram", ["KTP buram"], None) == "Alasan: KTP buram."
    assert applicant_note(None, [], None) is None


def test_belum_kompeten_names_the_last_day_to_appeal() -> None:
    timeline = Timeline("a1", last_seq=7, status=S.ASSESSED, lsp_code="LSP-A", applicant_user_id="u1",
                        applicant_email="a@example.id", appeal_window=AppealWindow(5, calendar_factory=set))
    step = timeline.add(S.NOT_YET_COMPETENT, at=AT, actor="LSP-A/komite", note="Keputusan komite: Belum Kompeten",
                        assessment=INFO)
    # Five working days after Friday 4 December: Friday 11 December (weekends do not count).
    assert step.event.appeal_until == date(2026, 12, 11)
    assert step.row["note"] == ("Keputusan komite: Belum Kompeten. Banding dapat diajukan paling lambat "
                                "11-12-2026.")
    assert step.event.assessment == INFO and step.event.note == step.row["note"]
    # The schedule is repeated only on the schedule's own step.
    assert "pukul" not in step.row["note"]


async def test_reported_reasons_and_schedule_reach_the_timeline(make_settings: Any,
                                                                lsp_http: respx.MockRouter) -> None:
    lsp_http.post(WEBHOOK_A).mock(return_value=httpx.Response(200))
    async with running(make_settings()) as h:
        returned = submission()
        assert (await h.submit(returned)).status_code == 202
        r = await h.report(returned["id"], report("returned", note="FR.APL.01 direkomendasikan tidak diterima",
                                                  reasons=["KTP buram", "ijazah tidak terbaca"]))
        assert r.status_code == 200, r.text
        entry = (await h.timeline(returned["id"]))[-1]
        assert entry["status"] == "returned" and entry["reasons"] == ["KTP buram", "ijazah tidak terbaca"]
        assert "Alasan: KTP buram; ijazah tidak terbaca" in entry["note"]

        # Corrected and sent again, the same application goes on to its assessment.
        app_id = returned["id"]
        r = await h.submit(submission(app_id, submission_no=2))
        assert r.status_code == 202, r.text
        due = (datetime.now(UTC) + timedelta(days=14)).date().isoformat()
        invoice = {"number": "INV-1", "amount": "1500000", "currency": "IDR",
                   "issued_at": datetime.now(UTC).isoformat(), "due_date": due}
        assert (await h.report(app_id, report("accepted"))).status_code == 200
        assert (await h.report(app_id, report("invoiced", invoice=invoice))).status_code == 200
        proof = {"proof_no": 1, "uploaded_at": datetime.now(UTC).isoformat(),
                 "document": {"id": "d", "kind": "payment_proof", "sha256": "b" * 64,
                              "content_type": "image/png", "size": 3}}
        assert (await h.client.post(f"/api/v1/applications/{app_id}/payment-proofs", json=proof,
                                    headers=h.portal)).status_code == 202
        for s in ("payment_verified", "in_certification"):
            assert (await h.report(app_id, report(s))).status_code == 200, s
        scheduled = report("scheduled", note="Asesmen dijadwalkan", assessment=INFO.model_dump(mode="json"))
        assert (await h.report(app_id, scheduled)).status_code == 200
        entry = (await h.timeline(app_id))[-1]
        assert entry["status"] == "scheduled"
        assert "Jumat, 04-12-2026 pukul 09.00 WIB di TUK Sewaktu LSP-A Jakarta, asesor Ir. Siti Rahma" in entry["note"]
        events = [e for e in await h.outbox(APPLICATION_STATUS_CHANGED) if e["application_id"] == app_id]
        assert events[-1]["assessment"]["tuk_name"] == "TUK Sewaktu LSP-A Jakarta"
        assert events[-1]["note"] == entry["note"]
