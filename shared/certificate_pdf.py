"""Reading an e-certificate PDF (services/lsp/issuance/pdf.py draws it, signing.py signs it):
the recording number printed on it, the QR code's pixels, the verification URL embedded in its
XMP metadata, and its PAdES signature. LPJK's public page and the offline ``skk verify`` share it.

The QR code carries LPJK's verification URL with the signed payload (``?qr=<JWS>``); no QR image
decoder is used: the URL the QR code should show (LPJK's record, or the URL embedded in the signed
metadata) is drawn again and compared pixel for pixel, so a certificate whose QR code is not the
one its payload belongs to is caught. The signature is checked for integrity (every byte signed,
nothing changed after signing) and cryptographic validity; given trust roots (the LSPs' PDF
certificates from LPJK's trust list) the signer is also checked against them, else the signer's
certificate is named but not trusted or distrusted.
"""

from __future__ import annotations

import contextvars
import io
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any
from xml.etree import ElementTree

MAX_PDF_BYTES = 900 * 1024  # under the services' request cap (SKK_MAX_REQUEST_BYTES, 1 MiB)
_NUMBER = re.compile(r"LPJK-\d{4}-(?:[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}|\d{8})")
_LABEL = "Nomor Pencatatan LPJK"
# Crockford base32 look-alikes, read as the digits a recording number holds (see
# services/lpjk_mock/domain/numbers.py, which also checks the check symbol).
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
XMP_NAMESPACE = "https://skk.lpjk.go.id/ns/certificate/1.0/"
_XMP_URL = f"{{{XMP_NAMESPACE}}}VerificationURL"
_RDF_RESOURCE = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}resource"
# The QR code's drawing: error level M, a fixed mask, 4 pixels a module, a 4-module quiet zone.
QR_SCALE = 4
QR_BORDER = 4

# asn1crypto (under pyhanko's signing and validation) builds a class's name tables the first time
# the class is used, and not thread-safely: ObjectIdentifier._setup sets an empty _reverse_map
# before it fills it, so another thread constructing that class meanwhile reads "sha256" as a
# dotted OID and fails (two PDFs signed at once by a fresh LSP process: HTTP 500 on an
# acceptance). Every entry into pyhanko from a worker thread holds this lock; the work is
# CPU-bound Python under the GIL, so taking turns costs no parallelism.
ASN1_LOCK = threading.Lock()

# pyhanko warns, with a traceback, whenever a signer's certificate has no path to a trust root:
# without trust roots that is every upload (none is given on purpose), and with them it is an
# answer ("untrusted signer") rather than a fault, so those warnings are dropped while this module
# validates, and only then.
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
    trusted: bool | None = None  # the signer chains to a given trust root; None: no roots given
    signer_certificate: bytes | None = None  # DER, to name the trust list entry it matches

    @property
    def ok(self) -> bool:
        return self.present and self.intact and self.valid and self.unchanged_since and self.trusted is not False


@dataclass(frozen=True)
class PdfFindings:
    readable: bool
    recording_number: str | None = None  # printed on the certificate, canonical form
    qr_pixels: tuple[tuple[int, int], bytes] | None = None  # (size, 8-bit grey pixels) of the QR image
    signature: SignatureCheck = SignatureCheck(present=False)
    verification_url: str | None = None  # embedded in the XMP metadata when the PDF was drawn


def looks_like_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")


def xmp_metadata(verification_url: str) -> str:
    """The XMP packet body (fpdf2 wraps it in ``<?xpacket?>``) carrying the verification URL."""
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description rdf:about="" xmlns:skk="{XMP_NAMESPACE}">'
        f"<skk:VerificationURL>{escape(verification_url, quote=False)}</skk:VerificationURL>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    )


def read_certificate(data: bytes) -> PdfFindings:
    """The recording number, QR image and embedded verification URL of page 1 (pypdf). Never
    raises: an unreadable file is an answer (``readable`` False)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        page = reader.pages[0]
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
    return PdfFindings(readable=True, recording_number=number, qr_pixels=pixels,
                       verification_url=_embedded_url(reader))


def _embedded_url(reader: Any) -> str | None:
    try:
        metadata = reader.trailer["/Root"].get("/Metadata")
        if metadata is None:
            return None
        root = ElementTree.fromstring(metadata.get_object().get_data())  # noqa: S314 (expat: no external entities)
    except Exception:  # no or malformed metadata: the certificate carries no URL
        return None
    found = root.find(f".//{_XMP_URL}")
    if found is None:
        # pyhanko writes a value it does not take for a URI (the compact payload's upper-case URL,
        # issue 16) as an attribute of its rdf:Description: XMP's short form of a simple property.
        holder = next((e for e in root.iter() if e.get(_XMP_URL)), None)
        value = holder.get(_XMP_URL) if holder is not None else None
        return value.strip() if value else None
    # pyhanko re-serialises the XMP when it signs and writes a URL as an RDF resource.
    value = found.get(_RDF_RESOURCE) or found.text
    return value.strip() if value else None


def _canonical(text: str) -> str | None:
    compact = "".join(text.split()).upper()
    if re.fullmatch(r"LPJK-\d{4}-\d{8}", compact):
        return compact
    fixed = compact[:10] + compact[10:].translate(_LOOKALIKES)
    return fixed if _NUMBER.fullmatch(fixed) else None


def _number_in(text: str) -> str | None:
    """The number on the line labelled "Nomor Pencatatan LPJK", else the first one on the page."""
    lines = text.splitlines()
    labelled = [ln for ln in lines if _LABEL in ln]
    for candidate in (*labelled, text):
        for match in _NUMBER.finditer(candidate.upper()):
            number = _canonical(match.group(0))
            if number is not None:
                return number
    return None


def _certificates(pems: Sequence[str | bytes]) -> list[Any]:
    from pyhanko.keys import load_certs_from_pemder_data

    out: list[Any] = []
    for pem in pems:
        out.extend(load_certs_from_pemder_data(pem.encode() if isinstance(pem, str) else pem))
    return out


def check_signature(data: bytes, trust_roots: Sequence[str | bytes] | None = None) -> SignatureCheck:
    """The first embedded signature (blocking: run it in a thread). With ``trust_roots`` (PEM
    certificates) the signer must chain to one of them (nothing is fetched); without, it is only
    named."""
    with ASN1_LOCK:
        return _check_signature(data, trust_roots)


def _check_signature(data: bytes, trust_roots: Sequence[str | bytes] | None) -> SignatureCheck:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception:  # an unparseable file has no signature we can check
        return SignatureCheck(present=False)
    if not signatures:
        return SignatureCheck(present=False)
    roots = _certificates(trust_roots) if trust_roots is not None else []
    token = _QUIET.set(True)
    try:
        status: Any = validate_pdf_signature(signatures[0], ValidationContext(trust_roots=roots, allow_fetching=False))
    except Exception:  # a signature pyhanko cannot even evaluate is not valid
        return SignatureCheck(present=True, trusted=False if trust_roots is not None else None)
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
                          trusted=bool(status.trusted) if trust_roots is not None else None,
                          signer_certificate=der)


def qr_pixels(url: str) -> tuple[tuple[int, int], bytes]:
    """The (size, 8-bit grey pixels) of the QR code the certificate draws for ``url``: what
    :func:`read_certificate` finds in a genuine certificate's QR image."""
    import segno

    matrix = segno.make_qr(url, error="m", mask=0, boost_error=False).matrix
    modules = len(matrix) + 2 * QR_BORDER
    size = modules * QR_SCALE
    blank = b"\xff" * size
    rows: list[bytes] = [blank] * (QR_BORDER * QR_SCALE)
    edge = b"\xff" * (QR_BORDER * QR_SCALE)
    for row in matrix:
        line = edge + b"".join((b"\x00" if dark else b"\xff") * QR_SCALE for dark in row) + edge
        rows.extend([line] * QR_SCALE)
    rows.extend([blank] * (QR_BORDER * QR_SCALE))
    return (size, size), b"".join(rows)


def same_qr(found: tuple[tuple[int, int], bytes] | None, expected_png: bytes) -> bool:
    """Whether the PDF's QR image has exactly the pixels of ``expected_png``."""
    if found is None:
        return False
    from PIL import Image

    expected = Image.open(io.BytesIO(expected_png)).convert("L")
    return found == (expected.size, expected.tobytes())


def qr_shows(found: tuple[tuple[int, int], bytes] | None, url: str) -> bool:
    """Whether the PDF's QR image is exactly the QR code of ``url``."""
    return found is not None and found == qr_pixels(url)
