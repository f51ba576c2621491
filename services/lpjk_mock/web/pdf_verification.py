"""The public verification of an uploaded e-certificate PDF: the register's answer for the number
printed on it, whether its QR code is the one LPJK issued for that record, and its signature.

One upload counts as one lookup against the client's allowance (the same as a number or a QR
payload), counted before the signature is checked."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from services.lpjk_mock.db import repository
from services.lpjk_mock.domain import qr
from services.lpjk_mock.usecases.verification import Verification, qr_png, verification_url
from shared.certificate_pdf import PdfFindings, SignatureCheck, check_signature, read_certificate
from shared.certificate_pdf import same_qr as _same_qr
from shared.contracts.issuance import VerificationResult
from shared.database import read_session


@dataclass(frozen=True)
class PdfVerification:
    findings: PdfFindings
    result: VerificationResult | None  # the register's answer for the printed number
    qr_matches: bool | None  # None: no record to compare the QR code with
    signature: SignatureCheck
    # Whether the signer's certificate is the trust list's PDF certificate of the record's LSP
    # (None: no record, no signer certificate, or the trust list holds none for that LSP).
    signer_trusted: bool | None = None

    @property
    def valid(self) -> bool:
        return bool(self.result is not None and self.result.valid and self.qr_matches and self.signature.ok
                     and self.signer_trusted is not False)


def trusted_pdf_certificates(pems: Mapping[str, str]) -> dict[str, bytes]:
    """LSP code -> the DER of its PDF-signing certificate (the trust list's, PEM)."""
    return {code: x509.load_pem_x509_certificate(pem.encode()).public_bytes(Encoding.DER)
            for code, pem in pems.items()}


async def verify_pdf(verification: Verification, public_url: str, data: bytes, *, client: str,
                     trusted: Mapping[str, bytes] | None = None) -> PdfVerification:
    findings = await asyncio.to_thread(read_certificate, data)
    number = findings.recording_number
    result: VerificationResult | None = None
    matches: bool | None = None
    lsp_code: str | None = None
    if number is None:
        await verification.admit(client, "berkas")
    else:
        result = await verification.certificate(number, client=client)
        async with read_session(verification.sessions) as s:
            row = await repository.get(s, number)
        if row is not None:
            lsp_code = row.lsp_code
            expected = qr_png(verification_url(public_url, row.recording_number, row.qr_payload))
            matches = _same_qr(findings.qr_pixels, expected) and qr.verify(
                row.qr_payload, verification.keyring.public_keys).valid
    signature = await asyncio.to_thread(check_signature, data) if findings.readable else SignatureCheck(False)
    expected_cert = (trusted or {}).get(lsp_code or "")
    signer_trusted = (None if expected_cert is None or signature.signer_certificate is None
                      else signature.signer_certificate == expected_cert)
    return PdfVerification(findings=findings, result=result, qr_matches=matches, signature=signature,
                           signer_trusted=signer_trusted)
