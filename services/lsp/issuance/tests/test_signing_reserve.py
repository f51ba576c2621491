"""The room reserved for the CMS signature (signing._bytes_reserved): what pyhanko itself
estimates, computed once per identity instead of by a dry-run signature per document."""

from __future__ import annotations

import io

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from services.lsp.issuance import signing
from services.lsp.issuance.pdf import render_certificate
from services.lsp.issuance.tests.test_pdf_fonts import BASE


async def test_reserved_room_is_pyhankos_own_estimate() -> None:
    identity = signing.dev_identity("LSP-A", "LSP Konstruksi A (dev)")
    meta = signers.PdfSignatureMetadata(field_name=signing.FIELD_NAME, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES)
    session = signers.PdfSigner(meta, signer=signing._signer(identity)).init_signing_session(
        IncrementalPdfFileWriter(io.BytesIO(render_certificate(BASE))))
    expected = await session.estimate_signature_container_size(None)
    reserved = await signing._bytes_reserved(identity)
    # An ECDSA signature's DER length varies by a byte or two (r and s), so does the estimate.
    assert abs(reserved - expected) <= 16
    assert await signing._bytes_reserved(identity) == reserved  # cached
