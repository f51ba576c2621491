"""FR.APL.01 and FR.APL.02 of one application (PDF, fpdf2), filled from the application's
sections as received in its submission and from the scheme.

A layout only: the use case (``usecases/forms.py``) gathers the data into :class:`AplData` and
signs APL-01 (``issuance/signing.py``); the blank forms per scheme stay in ``forms.py``.
The signature of APL-01 goes in the box ``issuance/signing.py`` draws (``SIGNATURE_BOX_MM``) on
the last page, which is therefore kept free below the recommendation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fpdf import FPDF

from services.lsp.issuance.pdf import SIGNATURE_BOX_MM, _font
from services.lsp.issuance.pdf_text import text_cell, wrap
from services.lsp.issuance.rules import tanggal
from shared.reference.identity import mask_nik

RECOMMENDATION_TEXT = {"accepted": "DITERIMA", "rejected": "TIDAK DITERIMA"}
APL01_TITLE = "FR.APL.01 PERMOHONAN SERTIFIKASI KOMPETENSI"
APL02_TITLE = "FR.APL.02 ASESMEN MANDIRI"


@dataclass(frozen=True)
class Recommendation:
    """The admin's recommendation on APL-01: who, when (Asia/Jakarta, already converted)."""

    decision: str  # "accepted" / "rejected"
    admin_name: str
    admin_username: str
    at_local: datetime
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AplData:
    application_id: str
    submission_no: int
    lsp_code: str
    lsp_name: str
    full_name: str
    nik: str
    sections: dict[str, Any]
    documents: list[dict[str, Any]]
    scheme: dict[str, Any]  # jabatan_kerja_code, name, kualifikasi, skkni, requirements, units
    jenjang: int
    application_kind: str
    tuk_code: str | None
    purpose: str
    # unit code -> "K" / "BK", only codes of the scheme's units; ``unknown_units``: the others.
    self_assessment: dict[str, str] = field(default_factory=dict)
    unknown_units: list[str] = field(default_factory=list)
    recommendation: Recommendation | None = None


class _Doc:
    def __init__(self, title: str, data: AplData, texts: list[str]) -> None:
        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_title(f"{title} {data.application_id}")
        pdf.set_author(data.lsp_name)
        pdf.set_creator("SKK Konstruksi")
        pdf.set_lang("id")
        pdf.set_auto_page_break(auto=True, margin=15)
        self.family, self.unicode_ok = _font(pdf, [title, data.lsp_name, *texts])
        self.pdf, self.title, self.data = pdf, title, data
        pdf.add_page()
        self._header()

    def text(self, value: object) -> str:
        s = "" if value is None else str(value)
        return s if self.unicode_ok else s.encode("latin-1", "replace").decode("latin-1")

    def _header(self) -> None:
        pdf = self.pdf
        pdf.set_font(self.family, "B", 12)
        pdf.cell(0, 7, self.text(self.title), new_x="LMARGIN", new_y="NEXT", align="C")
        pdf.set_font(self.family, "", 9)
        pdf.cell(0, 5, self.text(f"{self.data.lsp_name} ({self.data.lsp_code})"), new_x="LMARGIN", new_y="NEXT",
                 align="C")
        pdf.cell(0, 5, self.text(f"Nomor permohonan: {self.data.application_id} "
                                 f"(pengajuan ke-{self.data.submission_no})"),
                 new_x="LMARGIN", new_y="NEXT", align="C")
        pdf.ln(2)

    def section(self, title: str) -> None:
        pdf = self.pdf
        pdf.ln(2)
        pdf.set_font(self.family, "B", 10)
        pdf.set_fill_color(225, 225, 225)
        pdf.cell(0, 7, self.text(title), new_x="LMARGIN", new_y="NEXT", fill=True)
        pdf.set_font(self.family, "", 9)

    def lines(self, width: float, text: str) -> int:
        """How many lines ``text`` takes in a cell ``width`` mm wide (at the current font)."""
        lines = wrap(self.pdf, width, text, "L")
        if lines is not None:
            return len(lines)
        found = self.pdf.multi_cell(width, 5, text or " ", dry_run=True, output="LINES")
        return max(1, len(found) if isinstance(found, list) else 1)

    def row(self, cells: list[tuple[float, str, str]], line_h: float = 6) -> None:
        """One table row of (width, text, align) cells, all as tall as the tallest, never split
        over a page break."""
        pdf = self.pdf
        texts = [(w, self.text(t), a) for w, t, a in cells]
        h = max(self.lines(w, t) for w, t, _ in texts) * line_h
        if pdf.get_y() + h > pdf.page_break_trigger:
            pdf.add_page()
        x, y = pdf.l_margin, pdf.get_y()
        for w, t, align in texts:
            pdf.rect(x, y, w, h)
            pdf.set_xy(x, y)
            text_cell(pdf, w, line_h, t, align=align, new_x="RIGHT", new_y="TOP")
            x += w
        pdf.set_xy(pdf.l_margin, y + h)

    def field(self, label: str, value: object = "") -> None:
        self.row([(60, label, "L"), (self.pdf.epw - 60, "" if value is None else str(value), "L")])

    def paragraph(self, value: str) -> None:
        text_cell(self.pdf, 0, 6, self.text(value), border=1, new_x="LMARGIN", new_y="NEXT")

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _scheme_block(doc: _Doc, data: AplData) -> None:
    s = data.scheme
    doc.field("Skema sertifikasi / jabatan kerja", f"{s['jabatan_kerja_code']} {s['name']}")
    doc.field("Kualifikasi / jenjang KKNI", f"{s['kualifikasi']} / jenjang {data.jenjang}")
    doc.field("Acuan", s.get("skkni") or "-")


def _texts(data: AplData) -> list[str]:
    out = [data.full_name, data.scheme.get("name", "")]
    for section in data.sections.values():
        out.append(repr(section))  # every character the form may print
    return out


def _current_job(sections: dict[str, Any]) -> dict[str, Any]:
    """The latest (or ongoing) experience item: APL-01's "data pekerjaan sekarang"."""
    items = list((sections.get("experience") or {}).get("items") or [])
    if not items:
        return {}
    return max(items, key=lambda i: (i.get("end_date") is None, str(i.get("end_date") or ""),
                                     str(i.get("start_date") or "")))


def render_apl01(data: AplData) -> bytes:
    doc = _Doc(APL01_TITLE, data, _texts(data))
    personal = data.sections.get("personal") or {}
    education = list((data.sections.get("education") or {}).get("items") or [])
    qualification = data.sections.get("qualification") or {}
    doc.section("Bagian 1: Rincian Data Pemohon Sertifikasi")
    doc.field("Nama lengkap", data.full_name)
    doc.field("NIK", mask_nik(data.nik))
    doc.field("Tempat / tanggal lahir", f"{personal.get('birth_place', '-')} / {personal.get('birth_date', '-')}")
    doc.field("Jenis kelamin", {"L": "Laki-laki", "P": "Perempuan"}.get(str(personal.get("gender")), "-"))
    doc.field("Alamat rumah", personal.get("address", "-"))
    doc.field("No. telepon / email", f"{personal.get('phone', '-')} / {personal.get('email', '-')}")
    doc.field("Kualifikasi pendidikan", "; ".join(
        f"{e.get('level', '')} {e.get('study_program', '')}, {e.get('institution', '')} "
        f"({e.get('graduation_year', '')})" for e in education) or "-")
    job = _current_job(data.sections)
    doc.section("Data Pekerjaan Sekarang")
    doc.field("Jabatan", job.get("position", "-"))
    doc.field("Proyek / pekerjaan", job.get("project_name", "-"))
    doc.field("Jenis pengalaman", job.get("experience_kind", "-"))
    doc.field("Periode", f"{job.get('start_date', '-')} s.d. {job.get('end_date') or 'sekarang'}" if job else "-")
    doc.section("Bagian 2: Data Sertifikasi")
    _scheme_block(doc, data)
    doc.field("Tujuan asesmen", data.purpose)
    doc.field("TUK", data.tuk_code or "-")
    doc.field("Asosiasi / KTA", f"{qualification.get('asosiasi_code', '-')} / {qualification.get('kta_number', '-')}")
    doc.section("Bagian 3: Bukti Kelengkapan Pemohon (persyaratan dasar)")
    options = (data.scheme.get("requirements") or {}).get(str(data.jenjang), [])
    doc.paragraph("Persyaratan jenjang {}: {}".format(data.jenjang, "; ".join(
        f"{o['education_level']} + {o['min_years']} tahun pengalaman" for o in options) or "-"))
    for d in data.documents:
        doc.field(d.get("kind", "-"), f"ada ({d.get('content_type', '')}, {d.get('size', 0)} bita, "
                                      f"SHA-256 {str(d.get('sha256', ''))[:16]}...)")
    if not data.documents:
        doc.paragraph("Tidak ada dokumen terlampir.")
    _recommendation(doc, data.recommendation)
    return doc.output()


def _recommendation(doc: _Doc, rec: Recommendation | None) -> None:
    pdf = doc.pdf
    # The recommendation and the signature under it on one page (about 45 mm of rows).
    if pdf.get_y() + 45 > SIGNATURE_BOX_MM[1] - 4:
        pdf.add_page()
    doc.section("Rekomendasi (diisi oleh Admin LSP)")
    if rec is None:
        doc.paragraph("Belum diverifikasi: berdasarkan ketentuan persyaratan dasar, pemohon "
                      "[ ] diterima  [ ] tidak diterima sebagai peserta sertifikasi.")
    else:
        doc.paragraph(f"Berdasarkan ketentuan persyaratan dasar, pemohon {RECOMMENDATION_TEXT[rec.decision]} "
                      "sebagai peserta sertifikasi.")
        if rec.reasons:
            doc.field("Catatan / alasan", "; ".join(rec.reasons))
        doc.field("Admin LSP", f"{rec.admin_name} ({rec.admin_username})")
        doc.field("Waktu", f"{tanggal(rec.at_local.date())} pukul {rec.at_local:%H:%M} WIB")
    # The signature box (issuance/signing.py) sits at the foot of the last page: keep it free.
    if pdf.get_y() > SIGNATURE_BOX_MM[1] - 4:
        pdf.add_page()
    pdf.set_y(SIGNATURE_BOX_MM[1] - 6)
    pdf.set_x(SIGNATURE_BOX_MM[0])
    pdf.set_font(doc.family, "", 8)
    pdf.cell(0, 5, doc.text("Tanda tangan elektronik LSP:" if rec else "Belum ditandatangani"))


def render_apl02(data: AplData) -> bytes:
    doc = _Doc(APL02_TITLE, data, [*_texts(data), *(u.get("title", "") for u in data.scheme.get("units", []))])
    pdf = doc.pdf
    doc.field("Nama asesi", data.full_name)
    _scheme_block(doc, data)
    doc.section("Panduan Asesmen Mandiri")
    doc.paragraph("Untuk setiap unit kompetensi, beri tanda K (kompeten) bila Anda yakin dapat melakukan tugas "
                  "unit tersebut, atau BK (belum kompeten), dan sebutkan bukti pendukung yang relevan.")
    doc.section("Unit Kompetensi")
    pdf.set_font(doc.family, "B", 9)
    pdf.cell(38, 7, "Kode unit", border=1)
    pdf.cell(104, 7, "Judul unit", border=1)
    pdf.cell(12, 7, "K", border=1, align="C")
    pdf.cell(12, 7, "BK", border=1, align="C")
    pdf.cell(0, 7, "Bukti", border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(doc.family, "", 8)
    for unit in data.scheme.get("units", []):
        answer = data.self_assessment.get(unit["code"])
        title = unit["title"] + (" *" if unit.get("uncertain") else "")
        doc.row([(38, unit["code"], "L"), (104, title, "L"), (12, "X" if answer == "K" else "", "C"),
                 (12, "X" if answer == "BK" else "", "C"), (pdf.epw - 166, "", "L")], line_h=5)
    if any(u.get("uncertain") for u in data.scheme.get("units", [])):
        pdf.ln(1)
        doc.paragraph("* Kode/judul unit belum diverifikasi terhadap dokumen SKKNI yang berlaku.")
    if not data.self_assessment:
        doc.paragraph("Asesmen mandiri belum diisi pemohon: kolom K/BK diisi bersama asesor.")
    if data.unknown_units:
        doc.paragraph("Peringatan: jawaban untuk unit yang tidak ada dalam skema diabaikan: "
                      + ", ".join(data.unknown_units))
    doc.section("Rekomendasi Asesor")
    doc.field("Asesmen dapat / tidak dapat dilanjutkan")
    doc.field("Asesi: nama / tanda tangan / tanggal", data.full_name)
    doc.field("Asesor: nama / No. Reg / tanda tangan / tanggal")
    return doc.output()
