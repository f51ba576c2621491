"""A verification answer as the public page shows it: valid or not, a status slug (the result's
``data-status``), the heading and reason in the catalogue's words, and the certificate's public
fields as (label, value) rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from services.lpjk_mock.usecases.verification import MALFORMED, UNKNOWN
from services.lpjk_mock.web.pdf_verification import PdfVerification
from shared.contracts.issuance import VerificationResult
from shared.reference import get_reference
from shared.web import tanggal, waktu

Translate = Callable[..., str]

# The register's reasons (domain/records.py ``validity``, usecases/verification.py).
_STATUS = {None: "berlaku", UNKNOWN: "tidak-ditemukan", MALFORMED: "nomor-salah", "revoked": "dicabut",
           "expired": "kedaluwarsa", "not yet valid": "belum-berlaku", "suspended": "dibekukan",
           "superseded": "digantikan"}
# What qr.verify and Verification.certificate say about a QR payload, by how the reason starts.
_QR_REASONS = (("bad signature", "tanda_tangan"), ("unknown key id", "kunci"), ("malformed", "rusak"),
               ("the QR payload has expired", "kedaluwarsa"), ("the QR payload is not valid yet", "belum"),
               ("not issued by LPJK", "bukan_lpjk"), ("unexpected algorithm", "algoritma"),
               ("no QR payload", "kosong"), ("QR payload lacks claims", "klaim"),
               ("QR payload belongs to another record", "lain"))


@dataclass
class Answer:
    valid: bool
    status: str
    heading: str
    reason: str | None = None
    rows: list[tuple[str, str]] = field(default_factory=list)
    checks: list[tuple[str, bool, str]] = field(default_factory=list)  # PDF: (what, passed, detail)


def status_of(result: VerificationResult) -> str:
    if result.valid:
        return "berlaku"
    if result.reason in _STATUS:
        return _STATUS[result.reason]
    return "qr-tidak-sah"


def _qr_reason(t: Translate, reason: str) -> str:
    text = reason.removeprefix("QR payload: ")
    key = next((k for start, k in _QR_REASONS if text.startswith(start)), "lain_lain")
    return t(f"lpjk.alasan_qr.{key}")


def _name(table: dict[str, Any], code: str | None) -> str:
    item = table.get(code or "")
    return f"{item['name']} ({code})" if item else (code or "")


def rows_of(t: Translate, r: VerificationResult) -> list[tuple[str, str]]:
    ref = get_reference()
    values: list[tuple[str, Any]] = [
        ("nomor_pencatatan", r.recording_number), ("nomor_skk", r.skk_number),
        ("nomor_registrasi", r.registration_number), ("nama", r.holder_name_masked),
        ("jabatan_kerja", f"{r.jabatan_kerja_name} ({r.jabatan_kerja_code})" if r.jabatan_kerja_name
         else r.jabatan_kerja_code),
        ("klasifikasi", _name(ref.klasifikasi, r.klasifikasi_code) if r.klasifikasi_code else None),
        ("subklasifikasi", _name(ref.subklasifikasi, r.subklasifikasi_code) if r.subklasifikasi_code else None),
        ("kualifikasi", r.kualifikasi), ("jenjang", r.jenjang), ("lsp", r.lsp_code),
        ("terbit", tanggal(r.issued_on) if r.issued_on else None),
        ("berlaku_sampai", tanggal(r.valid_until) if r.valid_until else None),
        ("status", t(f"lpjk.status_sertifikat.{r.status.value}", nomor=r.superseded_by or "-") if r.status else None),
        ("dicabut", t("lpjk.ya") if r.revoked else t("lpjk.tidak") if r.revoked is not None else None),
    ]
    return [(t(f"lpjk.kolom.{k}"), str(v)) for k, v in values if v not in (None, "")]


def answer_of(t: Translate, result: VerificationResult) -> Answer:
    status = status_of(result)
    reason = _qr_reason(t, result.reason) if status == "qr-tidak-sah" and result.reason else None
    rows = rows_of(t, result) if status not in ("tidak-ditemukan", "nomor-salah") else []
    heading = t(f"lpjk.status.{status}", nomor=result.superseded_by or "-")
    return Answer(result.valid, status, heading, reason, rows)


def answer_of_pdf(t: Translate, pdf: PdfVerification) -> Answer:
    found = pdf.findings
    if not found.readable:
        return Answer(False, "berkas-tidak-terbaca", t("lpjk.status.berkas-tidak-terbaca"))
    sig = pdf.signature
    if sig.ok:
        detail = t("lpjk.pdf.ttd_sah", penanda=sig.signer or "-",
                   waktu=t("lpjk.pdf.pada", waktu=waktu(sig.signed_at)) if sig.signed_at else "")
    elif not sig.present:
        detail = t("lpjk.pdf.ttd_tidak_ada")
    elif not (sig.intact and sig.valid):
        detail = t("lpjk.pdf.ttd_rusak")
    else:
        detail = t("lpjk.pdf.ttd_diubah")
    checks = [(t("lpjk.pdf.cek_ttd"), sig.ok, detail)]
    if found.recording_number is None or pdf.result is None:
        answer = Answer(False, "nomor-tidak-ada", t("lpjk.status.nomor-tidak-ada"))
        answer.checks = checks
        return answer
    answer = answer_of(t, pdf.result)
    if pdf.signer_trusted is not None:
        lsp = pdf.result.lsp_code or "-"
        checks.append((t("lpjk.pdf.cek_penanda"), pdf.signer_trusted,
                       t("lpjk.pdf.penanda_terdaftar", lsp=lsp) if pdf.signer_trusted
                       else t("lpjk.pdf.penanda_tidak_terdaftar", lsp=lsp)))
    if pdf.qr_matches is not None:
        checks.append((t("lpjk.pdf.cek_qr"), pdf.qr_matches,
                       t("lpjk.pdf.qr_cocok") if pdf.qr_matches else t("lpjk.pdf.qr_tidak_cocok")))
    answer.checks = checks
    if answer.valid and not pdf.valid:
        answer.valid, answer.status = False, "berkas-tidak-sah"
        answer.heading = t("lpjk.status.berkas-tidak-sah")
    return answer
