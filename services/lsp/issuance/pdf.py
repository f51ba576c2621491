"""The one-page e-certificate (SPEC section 5), in Bahasa Indonesia, with its QR code.

Rendered with fpdf2; the QR code (segno) encodes LPJK's verification URL, which carries LPJK's
signed payload. :mod:`signing` signs the result.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import segno
from fpdf import FPDF

from services.lsp.issuance.rules import tanggal
from shared.reference import get_reference
from shared.reference.identity import mask_nik

TITLE = "SERTIFIKAT KOMPETENSI KERJA KONSTRUKSI"
# Where the visible signature goes (mm from the top-left of an A4 page); signing.py draws it.
SIGNATURE_BOX_MM = (110.0, 243.0, 195.0, 270.0)
PAGE_HEIGHT_MM = 297.0

_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
              Path("/usr/local/share/fonts"))


@dataclass(frozen=True)
class CertificateData:
    full_name: str
    nik: str
    klasifikasi_code: str
    subklasifikasi_code: str
    jabatan_kerja_code: str
    kualifikasi: str
    jenjang: int
    lsp_code: str
    lsp_name: str
    skk_number: str
    registration_number: str
    recording_number: str
    issued_on: date
    valid_until: date
    verification_url: str


def _name(table: dict[str, dict[str, object]], code: str) -> str:
    item = table.get(code)
    return f"{item['name']} ({code})" if item else code


def field_rows(data: CertificateData) -> list[tuple[str, str]]:
    """Every field SPEC section 5 names, as (label, value), in the certificate's order."""
    ref = get_reference()
    return [
        ("Nama", data.full_name),
        ("NIK", mask_nik(data.nik)),
        ("Klasifikasi", _name(ref.klasifikasi, data.klasifikasi_code)),
        ("Subklasifikasi", _name(ref.subklasifikasi, data.subklasifikasi_code)),
        ("Jabatan Kerja", _name(ref.jabatan_kerja, data.jabatan_kerja_code)),
        ("Kualifikasi", data.kualifikasi),
        ("Jenjang (KKNI)", str(data.jenjang)),
        ("Lembaga Sertifikasi Profesi", f"{data.lsp_name} ({data.lsp_code})"),
        ("Nomor SKK", data.skk_number),
        ("Nomor Registrasi BNSP", data.registration_number),
        ("Nomor Pencatatan LPJK", data.recording_number),
        ("Tanggal Terbit", tanggal(data.issued_on)),
        ("Berlaku Sampai", tanggal(data.valid_until)),
    ]


def qr_png(url: str) -> bytes:
    # A fixed mask skips segno's evaluation of all eight (the slow part); error level M keeps
    # the code readable when printed small.
    buf = io.BytesIO()
    segno.make_qr(url, error="m", mask=0, boost_error=False).save(buf, kind="png", scale=4, border=4)
    return buf.getvalue()


def _font(pdf: FPDF) -> tuple[str, bool]:
    """DejaVu Sans when installed (every name renders); else Helvetica, Latin-1 only."""
    for d in _FONT_DIRS:
        regular, bold = d / "DejaVuSans.ttf", d / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            return "DejaVu", True
    return "Helvetica", False


def render_certificate(data: CertificateData) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(f"{TITLE} {data.skk_number}")
    pdf.set_author(data.lsp_name)
    pdf.set_subject("e-Sertifikat SKK Konstruksi")
    pdf.set_creator("SKK Konstruksi")
    pdf.set_lang("id")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    family, unicode_ok = _font(pdf)

    def text(value: str) -> str:
        return value if unicode_ok else value.encode("latin-1", "replace").decode("latin-1")

    pdf.set_draw_color(30, 60, 120)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, 194, 281)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, 188, 275)

    pdf.set_y(22)
    pdf.set_font(family, "", 11)
    pdf.cell(0, 6, "REPUBLIK INDONESIA", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "B", 17)
    pdf.set_text_color(30, 60, 120)
    pdf.cell(0, 12, TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(family, "", 11)
    pdf.cell(0, 6, text(f"Nomor: {data.skk_number}"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.multi_cell(0, 6, text(
        f"{data.lsp_name}, Lembaga Sertifikasi Profesi berlisensi BNSP, menyatakan bahwa pemegang "
        "sertifikat ini telah dinyatakan KOMPETEN pada jabatan kerja di bawah ini:"
    ), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(family, "B", 16)
    pdf.multi_cell(0, 9, text(data.full_name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    label_w, value_w, x0 = 62.0, 118.0, 16.0
    for label, value in field_rows(data):
        pdf.set_x(x0)
        pdf.set_font(family, "", 10.5)
        y = pdf.get_y()
        pdf.multi_cell(label_w, 6.6, text(label), new_x="RIGHT", new_y="TOP")
        pdf.set_xy(x0 + label_w, y)
        pdf.set_font(family, "B", 10.5)
        pdf.multi_cell(value_w, 6.6, text(f": {value}"), new_x="LMARGIN", new_y="NEXT")

    qr_y = 212.0
    pdf.image(io.BytesIO(qr_png(data.verification_url)), x=18, y=qr_y, w=52, h=52)
    pdf.set_font(family, "", 8.5)
    pdf.set_xy(16, qr_y + 53)
    pdf.multi_cell(70, 4, text("Pindai kode QR untuk memeriksa keabsahan sertifikat ini di LPJK. "
                               "Kode QR memuat data yang ditandatangani secara elektronik oleh LPJK."),
                   align="C")

    x1, y1, _, _ = SIGNATURE_BOX_MM
    pdf.set_font(family, "", 10)
    pdf.set_xy(x1, 214)
    pdf.multi_cell(85, 5.5, text(f"Diterbitkan pada {tanggal(data.issued_on)}\n{data.lsp_name}"), align="C")
    pdf.set_xy(x1, y1 - 8)
    pdf.set_font(family, "", 8)
    pdf.cell(85, 5, "Ditandatangani secara elektronik:", align="C")
    return bytes(pdf.output())
