"""What LPJK's public page reads from an uploaded e-certificate PDF (services/lsp/issuance/pdf.py
draws it, signing.py signs it): the recording number printed on it, the QR code's pixels, and its
PAdES signature.

The QR code carries LPJK's verification URL with the signed payload (``?qr=<JWS>``); no QR image
decoder is used: the record's own QR code (LPJK keeps the payload it signed) is drawn again and
compared pixel for pixel, so a certificate whose QR code is not the one LPJK issued for the number
printed beside it is caught. The signature is checked for integrity (every byte signed, nothing
changed after signing) and cryptographic validity; LPJK holds no LSP signing certificates, so the
signer's certificate is named but not checked against a trust root.
"""

from __future__ import annotations

import contextvars
import io
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.lpjk_mock.domain import numbers

MAX_PDF_BYTES = 900 * 1024  # under the services' request cap (SKK_MAX_REQUEST_BYTES, 1 MiB)
_NUMBER = re.compile(r"LPJK-\d{4}-(?:[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}|\d{8})")
_LABEL = "Nomor Pencatatan LPJK"

# pyhanko warns, with a traceback, whenever a signer's certificate has no path to a trust root:
# here that is every upload (no root is given on purpose), so those warnings are dropped while
# this module validates, and only then.
_QUIET = contextvars.ContextVar("lpjk_pdf_quiet", default=False)


class _DropUntrustedPathWarnings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (_QUIET.get() and str(record.msg).startswith("Validation error [cert context"))


logging.getLogger("pyhanko.sign.validation.generic_cms").addFilter(_DropUntrustedPathWarnings())


@dataclass(frozen=True)
class SignatureCheck:
    present: bool
    intact: bool = False  # the signed bytes are unchanged
    valid: bool = False  # the signature is cryptographically valid for the signer's key
    unchanged_since: bool = False  # the whole file is signed, or nothing was changed after signing
    signer: str | None = None  # the signer certificate's subject, as written in it
    signed_at: datetime | None = None
    signer_certificate: bytes | None = None  # DER, to compare with the trust list's

    @property
    def ok(self) -> bool:
        return self.present and self.intact and self.valid and self.unchanged_since


@dataclass(frozen=True)
class PdfFindings:
    readable: bool
    recording_number: str | None = None  # printed on the certificate, canonical form
    qr_pixels: tuple[tuple[int, int], bytes] | None = None  # (size, 8-bit grey pixels) of the QR image
    signature: SignatureCheck = SignatureCheck(present=False)


def looks_like_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")


def read_certificate(data: bytes) -> PdfFindings:
    """The recording number and QR image of page 1 (pypdf). Never raises: an unreadable file is
    an answer (``readable`` False)."""
    from pypdf import PdfReader

    try:
        page = PdfReader(io.BytesIO(data)).pages[0]
        text = page.extract_text() or ""
        number = _number_in(text)
        pixels = None
        for image in page.images:
            if image.image is not None:
                grey = image.image.convert("L")
                pixels = (grey.size, grey.tobytes())
                break
    except Exception:  # any malformed upload is "not a readable PDF", whatever pypdf raises
        return PdfFindings(readable=False)
    return PdfFindings(readable=True, recording_number=number, qr_pixels=pixels)


def _number_in(text: str) -> str | None:
    """The number on the line labelled "Nomor Pencatatan LPJK", else the first one on the page."""
    lines = text.splitlines()
    labelled = [ln for ln in lines if _LABEL in ln]
    for candidate in (*labelled, text):
        for match in _NUMBER.finditer(candidate.upper()):
            number = numbers.canonical(match.group(0))
            if number is not None:
                return number
    return None


def check_signature(data: bytes) -> SignatureCheck:
    """The first embedded signature checked without a trust root (blocking: run it in a thread)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception:  # an unparseable file has no signature we can check
        return SignatureCheck(present=False)
    if not signatures:
        return SignatureCheck(present=False)
    token = _QUIET.set(True)
    try:
        status: Any = validate_pdf_signature(signatures[0], ValidationContext(trust_roots=[], allow_fetching=False))
    except Exception:  # a signature pyhanko cannot even evaluate is not valid
        return SignatureCheck(present=True)
    finally:
        _QUIET.reset(token)
    coverage = getattr(status.coverage, "name", "")
    modification = getattr(status.modification_level, "name", "")
    unchanged = coverage == "ENTIRE_FILE" or (modification == "NONE" and status.docmdp_ok is not False)
    signer, der = None, None
    if status.signing_cert is not None:
        subject = status.signing_cert.subject.native
        signer = subject.get("common_name") or subject.get("organization_name")
        der = status.signing_cert.dump()
    return SignatureCheck(present=True, intact=bool(status.intact), valid=bool(status.valid),
                          unchanged_since=unchanged, signer=signer, signed_at=status.signer_reported_dt,
                          signer_certificate=der)


def same_qr(found: tuple[tuple[int, int], bytes] | None, expected_png: bytes) -> bool:
    """Whether the PDF's QR image has exactly the pixels of ``expected_png``."""
    if found is None:
        return False
    from PIL import Image

    expected = Image.open(io.BytesIO(expected_png)).convert("L")
    return found == (expected.size, expected.tobytes())
