"""What the applicant's notification says at each step: the reasons, the schedule (date and time
in WIB, TUK, asesor) and until when an appeal may be filed."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.portal.domain.applications import _STATUS_TEXT, status_message, wib_moment
from shared.contracts.siki import AssessmentInfo
from shared.contracts.states import ApplicationStatus as S

AT = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)  # Friday 09.00 WIB


def test_every_status_has_a_message() -> None:
    assert set(_STATUS_TEXT) == set(S)


def test_returned_and_rejected_proof_carry_the_reasons() -> None:
    msg = status_message(S.RETURNED, "FR.APL.01 direkomendasikan tidak diterima", ["KTP buram", "NPWP salah"])
    assert msg == ("Permohonan Anda dikembalikan oleh LSP untuk diperbaiki. Alasan: KTP buram; NPWP salah.")
    assert "Alasan: bukti tidak terbaca." in status_message(S.PAYMENT_REJECTED, None, ["bukti tidak terbaca"])
    assert "Alasan: tidak ada bukti baru" in status_message(S.APPEAL_REJECTED, "Banding ditolak",
                                                            ["tidak ada bukti baru"])


def test_schedule_says_when_where_and_with_whom() -> None:
    info = AssessmentInfo(assessor_username="asesor1", assessor_name="Ir. Siti Rahma", tuk_code="TUK-A-01",
                          tuk_name="TUK Sewaktu LSP-A Jakarta", scheduled_at=AT)
    msg = status_message(S.SCHEDULED, "Asesmen dijadwalkan ...", assessment=info)
    assert msg == ("Jadwal asesmen Anda telah ditetapkan: Jumat, 04-12-2026 pukul 09.00 WIB di "
                   "TUK Sewaktu LSP-A Jakarta, asesor Ir. Siti Rahma.")
    # An LSP that sent only codes: the codes, still with the time.
    codes = AssessmentInfo(assessor_username="asesor1", tuk_code="TUK-A-01", scheduled_at=AT)
    assert "pukul 09.00 WIB di TUK-A-01, asesor asesor1" in status_message(S.SCHEDULED, None, assessment=codes)
    # Without assessment data the LSP's note is what there is.
    expected = "Jadwal asesmen Anda telah ditetapkan. Catatan: Asesmen besok"
    assert status_message(S.SCHEDULED, "Asesmen besok") == expected


def test_belum_kompeten_names_the_last_day_to_appeal() -> None:
    msg = status_message(S.NOT_YET_COMPETENT, "Keputusan komite: Belum Kompeten", appeal_until=date(2026, 12, 11))
    assert "Anda dapat mengajukan banding" in msg and "Batas akhir pengajuan banding: 11-12-2026." in msg
    assert "Batas akhir" not in status_message(S.COMPETENT, None, appeal_until=date(2026, 12, 11))


def test_wib_moment() -> None:
    assert wib_moment(AT) == "Jumat, 04-12-2026 pukul 09.00 WIB"
    assert wib_moment(datetime(2026, 12, 6, 17, 30)) == "Senin, 07-12-2026 pukul 00.30 WIB"  # naive = UTC


def test_timeline_note_never_drops_the_reasons_or_the_time() -> None:
    from services.portal.domain.applications import timeline_note

    note = timeline_note(S.RETURNED, "FR.APL.01 direkomendasikan tidak diterima", ["KTP buram"])
    assert note == "FR.APL.01 direkomendasikan tidak diterima. Alasan: KTP buram."
    # SIKI's note already says it: kept as it is.
    assert timeline_note(S.RETURNED, note, ["KTP buram"]) == note
    assert timeline_note(S.ACCEPTED, "diterima", []) == "diterima" and timeline_note(S.ACCEPTED, None, []) is None
    info = AssessmentInfo(tuk_code="TUK-A-01", tuk_name="TUK Sewaktu", assessor_name="Ir. Siti", scheduled_at=AT)
    assert timeline_note(S.SCHEDULED, None, [], info) == (
        "Jadwal asesmen: Jumat, 04-12-2026 pukul 09.00 WIB di TUK Sewaktu, asesor Ir. Siti.")
    full = "Asesmen dijadwalkan Jumat, 04-12-2026 pukul 09.00 WIB di TUK Sewaktu (TUK-A-01), asesor Ir. Siti."
    assert timeline_note(S.SCHEDULED, full, [], info) == full
    assert timeline_note(S.ASSESSED, "Rekomendasi asesor: K", [], info) == "Rekomendasi asesor: K"
