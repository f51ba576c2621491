"""The blank FR.APL.01 and FR.APL.02 the LSP publishes for each scheme (PDF, fpdf2).

A layout only: the scheme comes in as read from the database, the PDF goes out as bytes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fpdf import FPDF

if TYPE_CHECKING:
    from services.lsp.db.models import Scheme


def _safe(text: str) -> str:
    # The core fonts are Latin-1; anything else would abort the PDF.
    return text.encode("latin-1", "replace").decode("latin-1")


class _Form(FPDF):
    def __init__(self, title: str, lsp_name: str) -> None:
        super().__init__(format="A4")
        self.form_title = title
        self.lsp_name = lsp_name
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(title)
        self.set_author(lsp_name)

    def header(self) -> None:
        self.set_font("Helvetica", "B", 12)
        self.cell(0, 7, _safe(self.form_title), new_x="LMARGIN", new_y="NEXT", align="C")
        self.set_font("Helvetica", "", 9)
        self.cell(0, 5, _safe(self.lsp_name), new_x="LMARGIN", new_y="NEXT", align="C")
        self.ln(3)

    def section(self, title: str) -> None:
        self.ln(2)
        self.set_font("Helvetica", "B", 10)
        self.set_fill_color(225, 225, 225)
        self.cell(0, 7, _safe(title), new_x="LMARGIN", new_y="NEXT", fill=True)
        self.set_font("Helvetica", "", 9)

    def field(self, label: str, value: str = "") -> None:
        self.cell(60, 7, _safe(label), border=1)
        self.cell(0, 7, _safe(value), border=1, new_x="LMARGIN", new_y="NEXT")


def _scheme_block(pdf: _Form, scheme: Scheme) -> None:
    pdf.section("Skema Sertifikasi")
    pdf.field("Jabatan kerja", f"{scheme.jabatan_kerja_code} {scheme.name}")
    pdf.field("Kualifikasi / jenjang KKNI", f"{scheme.kualifikasi} / {', '.join(str(j) for j in scheme.jenjang)}")
    pdf.field("Acuan", scheme.skkni)


def apl01_pdf(scheme: Scheme, lsp_name: str) -> bytes:
    pdf = _Form("FR.APL.01 PERMOHONAN SERTIFIKASI KOMPETENSI", lsp_name)
    pdf.add_page()
    pdf.section("Bagian 1: Rincian Data Pemohon Sertifikasi")
    for label in ("Nama lengkap", "NIK", "Tempat / tanggal lahir", "Jenis kelamin", "Alamat rumah",
                  "No. telepon / email", "Kualifikasi pendidikan"):
        pdf.field(label)
    pdf.section("Data Pekerjaan Sekarang")
    for label in ("Nama institusi / perusahaan", "Jabatan", "Alamat kantor", "No. telepon / email kantor"):
        pdf.field(label)
    pdf.section("Bagian 2: Data Sertifikasi")
    _scheme_block(pdf, scheme)
    pdf.field("Tujuan asesmen", "[ ] Sertifikasi  [ ] Sertifikasi ulang  [ ] Lainnya")
    pdf.section("Bagian 3: Bukti Kelengkapan Pemohon (persyaratan dasar)")
    for jenjang, options in sorted(scheme.requirements.items()):
        text = "; ".join(f"{o['education_level']} + {o['min_years']} tahun pengalaman" for o in options)
        pdf.multi_cell(0, 6, _safe(f"Jenjang {jenjang}: {text or '-'}"), border=1, new_x="LMARGIN", new_y="NEXT")
    for label in ("Ijazah terakhir (legalisir)", "Surat referensi pengalaman kerja", "KTP", "Pas foto"):
        pdf.field(label, "[ ] Ada   [ ] Tidak ada")
    pdf.section("Rekomendasi (diisi oleh Admin LSP)")
    pdf.multi_cell(0, 6, _safe("Berdasarkan ketentuan persyaratan dasar, maka pemohon: "
                               "[ ] Diterima  [ ] Tidak diterima  sebagai peserta sertifikasi."),
                   border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.field("Catatan")
    pdf.field("Pemohon: nama / tanda tangan / tanggal")
    pdf.field("Admin LSP: nama / tanda tangan / tanggal")
    return bytes(pdf.output())


def apl02_pdf(scheme: Scheme, lsp_name: str) -> bytes:
    pdf = _Form("FR.APL.02 ASESMEN MANDIRI", lsp_name)
    pdf.add_page()
    _scheme_block(pdf, scheme)
    pdf.section("Panduan Asesmen Mandiri")
    pdf.multi_cell(0, 5, _safe("Baca setiap pertanyaan di kolom kiri. Beri tanda K (kompeten) bila Anda yakin "
                               "dapat melakukan tugas yang dijelaskan, atau BK (belum kompeten), dan sebutkan "
                               "bukti pendukung yang relevan."), new_x="LMARGIN", new_y="NEXT")
    units: list[dict[str, Any]] = list(scheme.units)
    for unit in units:
        pdf.section(f"Unit kompetensi {unit['code']}: {unit['title']}")
        for element in unit["elements"]:
            pdf.set_font("Helvetica", "B", 9)
            pdf.cell(0, 6, _safe(element["title"]), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 9)
            for criterion in element["criteria"]:
                pdf.cell(110, 6, _safe(criterion), border=1)
                pdf.cell(12, 6, "K", border=1, align="C")
                pdf.cell(12, 6, "BK", border=1, align="C")
                pdf.cell(0, 6, _safe("Bukti:"), border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.section("Rekomendasi Asesor")
    pdf.field("Asesmen dapat / tidak dapat dilanjutkan")
    pdf.field("Asesi: nama / tanda tangan / tanggal")
    pdf.field("Asesor: nama / No. Reg / tanda tangan / tanggal")
    return bytes(pdf.output())
