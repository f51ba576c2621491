"""The portal's side of the application's life: which state allows which action, what a
submission to SIKI looks like, and what the applicant is told at each step."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, TypeVar

from services.portal.domain.renewal import HeldSkk, changed_fields
from services.portal.domain.sections import referenced_documents
from shared.contracts.documents import DocumentRef
from shared.contracts.kinds import CHANGE, RENEWAL
from shared.contracts.siki import Applicant, ApplicationSubmission, AssessmentInfo
from shared.contracts.states import WITHDRAWABLE_STATES, ApplicationStatus
from shared.exceptions import Conflict

S = ApplicationStatus
T = TypeVar("T")

EDITABLE = frozenset({S.DRAFT, S.RETURNED})
SUBMITTABLE = EDITABLE
PROOF_ALLOWED = frozenset({S.INVOICED, S.PAYMENT_REJECTED})
APPEAL_ALLOWED = frozenset({S.NOT_YET_COMPETENT})
DOWNLOADABLE = frozenset({S.CERTIFICATE_ISSUED, S.COMPLETED})
# Until the LSP decides (SPEC section 8, withdraw_application).
WITHDRAWABLE = WITHDRAWABLE_STATES
APPLICANT_ACTOR = "applicant"
# The steps the portal writes on its own timeline before SIKI confirms them (entries without
# SIKI's seq); SIKI's event for one of these confirms the entry instead of adding another.
SELF_RECORDED = frozenset({S.DRAFT, S.SUBMITTED, S.PAYMENT_UPLOADED, S.APPEALED, S.COMPLETED, S.WITHDRAWN})
SELF_RECORDED_VALUES = frozenset(s.value for s in SELF_RECORDED)


class ActionNotAllowed(Conflict):
    """The application's status does not allow the action; names the status it is in now."""

    def __init__(self, action: str, status: str, allowed: frozenset[ApplicationStatus]) -> None:
        allowed_txt = ", ".join(sorted(s.value for s in allowed))
        message = f"cannot {action} while the application is {status!r}; allowed in: {allowed_txt}"
        super().__init__(message, errors=[{"field": "status", "message": message}], status_now=status)
        self.action = action
        self.status = status


def require_status(status: str, allowed: frozenset[ApplicationStatus], action: str) -> None:
    if status not in {s.value for s in allowed}:
        raise ActionNotAllowed(action, status, allowed)


def next_command_no(taken: int, in_flight: int = 0) -> int:
    """The number of the next submission, payment proof or appeal: 1 for the first, +1 for each
    next (a resubmission after ``returned``), and after a number SIKI may hold (one in flight)."""
    return max(taken, in_flight) + 1


def should_apply(last_seq: int, seq: int) -> bool:
    """A SIKI status event moves the application's status only if it is newer than the last one
    applied (an older one arriving late still gets its timeline entry: ``late_step``)."""
    return seq > last_seq


def late_step(last_seq: int, seq: int) -> bool:
    """An older step arriving after a newer one: recorded on the timeline, notified and emailed,
    but the application's status, invoice and certificate stay as the newer step left them."""
    return seq < last_seq


def in_timeline_order(entries: Sequence[T], seq_of: Callable[[T], int | None]) -> list[T]:
    """``entries`` (as written, oldest id first) in the order the applicant reads them: by SIKI's
    ``seq``, a step the portal recorded itself (no seq yet) right after the steps written before
    it; ties keep the written order. SQL equivalent: ``ORDER BY coalesce(seq, max(seq) OVER
    (PARTITION BY application_id ORDER BY id), 0), id``."""
    keyed: list[tuple[int, int, T]] = []
    running = 0
    for i, entry in enumerate(entries):
        seq = seq_of(entry)
        running = max(running, seq or 0)
        keyed.append((seq if seq is not None else running, i, entry))
    return [entry for _, _, entry in sorted(keyed, key=lambda k: (k[0], k[1]))]


def build_submission(
    *,
    application_id: str,
    submission_no: int,
    application_kind: str,
    previous_skk_number: str | None = None,
    held: HeldSkk | None = None,
    user_id: str,
    email: str,
    full_name: str,
    sections: Mapping[str, Any],
    documents: Mapping[str, Mapping[str, Any]],
    public_url: str,
    now: datetime,
) -> ApplicationSubmission:
    """The body of SIKI's ``submit_application``; ``documents`` holds the user's documents by id.
    A renewal carries its PKB credits, a change what it changes, and the holder's NEW name as the
    applicant's (SIKI fills in the held certificate from its register)."""
    q = sections["qualification"]
    changed = changed_fields(held, sections["personal"]) if application_kind == CHANGE and held else []
    if changed:
        full_name = sections["personal"]["full_name"]
    refs: list[DocumentRef] = []
    for kind, doc_id in referenced_documents(sections):
        doc = documents[doc_id]
        refs.append(DocumentRef(
            id=doc_id, kind=kind, sha256=doc["sha256"], content_type=doc["content_type"], size=doc["size"],
            url=document_url(public_url, doc_id), uploaded_at=doc.get("uploaded_at"),
        ))
    return ApplicationSubmission(
        id=application_id,
        submission_no=submission_no,
        applicant=Applicant(user_id=user_id, email=email, full_name=full_name),
        nik=sections["personal"]["nik"],
        lsp_code=q["lsp_code"],
        klasifikasi_code=q["klasifikasi_code"],
        subklasifikasi_code=q["subklasifikasi_code"],
        kualifikasi=q["kualifikasi"],
        jabatan_kerja_code=q["jabatan_kerja_code"],
        jenjang=q["jenjang"],
        application_kind=application_kind,
        previous_skk_number=previous_skk_number if application_kind != "baru" else None,
        pkb_credits=q.get("pkb_credits") if application_kind == RENEWAL else None,
        changed_fields=changed,
        submitted_at=now,
        sections=dict(sections),
        documents=refs,
    )


def document_url(public_url: str, document_id: str) -> str:
    return f"{public_url.rstrip('/')}/api/v1/internal/documents/{document_id}"


_STATUS_TEXT: dict[ApplicationStatus, str] = {
    S.DRAFT: "Permohonan disimpan sebagai draf.",
    S.SUBMITTED: "Permohonan Anda telah dikirim ke SIKI.",
    S.FORWARDED: "Permohonan Anda telah diteruskan ke LSP.",
    S.RETURNED: "Permohonan Anda dikembalikan oleh LSP untuk diperbaiki.",
    S.ACCEPTED: "Permohonan Anda diterima oleh LSP.",
    S.INVOICED: "Tagihan pembayaran telah diterbitkan.",
    S.CANCELLED: "Permohonan Anda dibatalkan.",
    S.PAYMENT_UPLOADED: "Bukti pembayaran Anda telah diterima dan menunggu verifikasi.",
    S.PAYMENT_REJECTED: "Bukti pembayaran Anda ditolak; silakan unggah ulang.",
    S.PAYMENT_VERIFIED: "Pembayaran Anda telah diverifikasi.",
    S.IN_CERTIFICATION: "Proses sertifikasi dimulai.",
    S.SCHEDULED: "Jadwal asesmen Anda telah ditetapkan.",
    S.ASSESSED: "Asesmen Anda telah selesai dilaksanakan.",
    S.COMPETENT: "Selamat, Anda dinyatakan Kompeten.",
    S.NOT_YET_COMPETENT: "Anda dinyatakan Belum Kompeten. Anda dapat mengajukan banding.",
    S.APPEALED: "Banding Anda telah diajukan.",
    S.APPEAL_UPHELD: "Banding Anda diterima; asesmen ulang akan dijadwalkan.",
    S.APPEAL_REJECTED: "Banding Anda ditolak.",
    S.SKK_NUMBERED: "Nomor SKK Anda telah diterbitkan oleh BNSP.",
    S.RECORDED: "SKK Anda telah dicatat oleh LPJK.",
    S.CERTIFICATE_ISSUED: "Sertifikat elektronik (SKK) Anda sudah tersedia untuk diunduh.",
    S.COMPLETED: "Proses sertifikasi selesai.",
    S.WITHDRAWN: "Permohonan Anda telah ditarik atas permintaan Anda dan tidak diproses lebih lanjut.",
}


# Indonesia keeps no daylight saving time: a fixed offset needs no time-zone database.
WIB = timezone(timedelta(hours=7), "WIB")
_DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def wib_date(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def wib_moment(at: datetime) -> str:
    """A moment as the applicant reads it: ``Jumat, 04-12-2026 pukul 09.00 WIB``."""
    local = (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).astimezone(WIB)
    return f"{_DAYS[local.weekday()]}, {wib_date(local.date())} pukul {local:%H.%M} WIB"


def schedule_text(assessment: AssessmentInfo) -> str | None:
    """When, where and with whom the assessment takes place (names where the LSP sent them)."""
    if assessment.scheduled_at is None:
        return None
    tuk = assessment.tuk_name or assessment.tuk_code
    assessor = assessment.assessor_name or assessment.assessor_username
    return "".join([wib_moment(assessment.scheduled_at), f" di {tuk}" if tuk else "",
                    f", asesor {assessor}" if assessor else ""])


def timeline_note(status: ApplicationStatus, note: str | None, reasons: list[str],
                  assessment: AssessmentInfo | None = None) -> str | None:
    """The note of the mirrored timeline entry. SIKI's note already carries the reasons and the
    schedule; should it not (an older SIKI event), they are added so the timeline never shows a
    return without its reasons or a schedule without its time."""
    text = note.strip() if note else ""
    extra = []
    if reasons and not all(r in text for r in reasons):
        extra.append("Alasan: " + "; ".join(reasons) + ".")
    at = assessment.scheduled_at if assessment is not None and status is S.SCHEDULED else None
    if assessment is not None and at is not None and wib_moment(at) not in text:
        extra.append(f"Jadwal asesmen: {schedule_text(assessment)}.")
    if not extra:
        return note
    return " ".join([text if not text or text.endswith(".") else text + ".", *extra]).strip()


def status_message(status: ApplicationStatus, note: str | None = None, reasons: list[str] | None = None, *,
                   assessment: AssessmentInfo | None = None, appeal_until: date | None = None) -> str:
    """The notification for one step: the step, then what the applicant needs from it (the
    reasons, the schedule, until when an appeal may be filed), else the LSP's note."""
    text = _STATUS_TEXT[status]
    schedule = schedule_text(assessment) if assessment is not None and status is S.SCHEDULED else None
    if schedule:
        text = text.rstrip(".") + f": {schedule}."
    if status is S.NOT_YET_COMPETENT and appeal_until is not None:
        text += f" Batas akhir pengajuan banding: {wib_date(appeal_until)}."
    if reasons:
        text += " Alasan: " + "; ".join(reasons) + "."
    elif note and not schedule:
        text += f" Catatan: {note}"
    return text
