from __future__ import annotations

import asyncio
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from PIL import Image
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from services.lsp.issuance.pdf import TITLE, CertificateData, qr_png, render_certificate
from services.lsp.issuance.settings import IssuanceSettings
from services.lsp.issuance.signing import FIELD_NAME, SigningIdentity, dev_identity, identity_for, sign_pdf

NIK = "3171011708450001"
URL = "http://127.0.0.1:8004/api/v1/public/certificates/LPJK-2026-00000007?qr=eyJhbGciOiJFZERTQSJ9.e30.c2ln"
LSP_NAME = "LSP Konstruksi A (dev)"


def _data(**over: object) -> CertificateData:
    values: dict[str, object] = dict(
        full_name="Siti Nurhaliza Putri", nik=NIK, klasifikasi_code="SI", subklasifikasi_code="SI01",
        jabatan_kerja_code="SI011002", kualifikasi="Ahli", jenjang=7, lsp_code="LSP-A", lsp_name=LSP_NAME,
        skk_number="SI011002.7.2026.0000007", registration_number="BNSP/LSP-A/2026/0000007",
        recording_number="LPJK-2026-00000007", issued_on=date(2026, 3, 2), valid_until=date(2031, 3, 1),
        verification_url=URL,
    )
    values.update(over)
    return CertificateData(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def signed() -> bytes:
    return asyncio.run(sign_pdf(render_certificate(_data()), dev_identity("LSP-A", LSP_NAME), lsp_name=LSP_NAME))


def _validate(pdf: bytes, identity: SigningIdentity | None = None):  # type: ignore[no-untyped-def]
    identity = identity or dev_identity("LSP-A", LSP_NAME)
    sig = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[0]
    vc = ValidationContext(trust_roots=[identity.certificate], allow_fetching=False)
    return validate_pdf_signature(sig, vc)


def test_the_certificate_is_one_page_with_every_required_field(signed: bytes) -> None:
    reader = PdfReader(io.BytesIO(signed))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in (
        TITLE,
        "Siti Nurhaliza Putri",  # holder's name
        "317101********01",  # masked NIK
        "Sipil",  # klasifikasi
        "Gedung",  # subklasifikasi
        "Ahli Muda Perencana Beton Pracetak",  # jabatan kerja
        "Kualifikasi", "Ahli",
        "Jenjang (KKNI)", ": 7",
        LSP_NAME,
        "SI011002.7.2026.0000007",  # SKK number
        "BNSP/LSP-A/2026/0000007",  # BNSP registration number
        "LPJK-2026-00000007",  # LPJK recording number
        "Tanggal Terbit", "2 Maret 2026",
        "Berlaku Sampai", "1 Maret 2031",
    ):
        assert expected in text, expected
    assert NIK not in text


def test_the_qr_code_in_the_pdf_encodes_the_verification_url(signed: bytes) -> None:
    images = PdfReader(io.BytesIO(signed)).pages[0].images
    assert len(images) == 1
    assert images[0].image is not None
    embedded = images[0].image.convert("L")
    expected = Image.open(io.BytesIO(qr_png(URL))).convert("L")
    assert embedded.size == expected.size
    assert embedded.tobytes() == expected.tobytes()
    other = Image.open(io.BytesIO(qr_png(URL + "x"))).convert("L")
    assert other.size != expected.size or other.tobytes() != expected.tobytes()


def test_the_signature_validates_against_the_lsps_certificate(signed: bytes) -> None:
    status = _validate(signed)
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.bottom_line
    assert status.coverage.name == "ENTIRE_FILE"
    # A PDF reader finds a visible signature field.
    reader = PdfFileReader(io.BytesIO(signed))
    sig = reader.embedded_signatures[0]
    assert sig.field_name == FIELD_NAME
    rect = [float(v) for v in sig.sig_field["/Rect"]]
    assert rect[2] - rect[0] > 50 and rect[3] - rect[1] > 20
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"


def test_another_lsps_certificate_is_not_trusted_for_it(signed: bytes) -> None:
    status = _validate(signed, dev_identity("LSP-B", "LSP Konstruksi B (dev)"))
    assert status.intact and not status.trusted and not status.bottom_line


def test_a_changed_byte_in_the_signed_range_breaks_the_signature(signed: bytes) -> None:
    sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    start, length = sig.byte_range[0], sig.byte_range[1]
    tampered = bytearray(signed)
    # The document's info dictionary sits in the signed range; its title names the SKK number.
    i = signed.index(b"SI011002.7.2026.0000007", start, start + length)
    tampered[i + len("SI011002.7.2026.000000")] = ord("8")
    status = _validate(bytes(tampered))
    assert not status.intact and not status.bottom_line


def test_an_incremental_update_changing_the_page_is_detected(signed: bytes) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    from pyhanko.pdf_utils import generic

    forged = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (BELUM KOMPETEN) Tj ET")
    page["/Contents"] = writer.add_object(forged)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    status = _validate(out.getvalue())
    assert status.intact  # the signed bytes themselves are untouched ...
    assert not status.bottom_line  # ... but the change after signing is caught
    assert status.coverage.name != "ENTIRE_FILE"


def test_the_dev_identity_is_deterministic_per_lsp() -> None:
    a1 = dev_identity.__wrapped__("LSP-A", LSP_NAME)
    a2 = dev_identity.__wrapped__("LSP-A", LSP_NAME)
    b = dev_identity.__wrapped__("LSP-B", "LSP Konstruksi B (dev)")
    assert a1 == a2
    assert a1.key_pem != b.key_pem and a1.cert_pem != b.cert_pem


def _self_signed() -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "LSP Produksi")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


def test_a_configured_identity_signs_and_production_refuses_the_dev_one() -> None:
    key_pem, cert_pem = _self_signed()
    cfg = IssuanceSettings(certificate_signing_key_pem=key_pem, certificate_signing_cert_pem=cert_pem)
    identity = identity_for(cfg, "LSP-A", LSP_NAME)
    assert identity.cert_pem.decode() == cert_pem.strip()
    pdf = asyncio.run(sign_pdf(render_certificate(_data()), identity, lsp_name=LSP_NAME))
    assert _validate(pdf, identity).bottom_line
    assert not _validate(pdf).trusted  # not the dev certificate
    assert identity_for(IssuanceSettings(), "LSP-A", LSP_NAME) == dev_identity("LSP-A", LSP_NAME)
    with pytest.raises(ValueError, match="SKK_CERTIFICATE_SIGNING_KEY_PEM"):
        IssuanceSettings(mode="production")
    IssuanceSettings(mode="production", certificate_signing_key_pem=key_pem, certificate_signing_cert_pem=cert_pem)


def test_names_outside_latin1_render() -> None:
    text = PdfReader(io.BytesIO(render_certificate(_data(full_name="Ṣiti Ğül")))).pages[0].extract_text()
    assert "Siti" not in text and ("Ṣiti" in text or "?iti" in text)
