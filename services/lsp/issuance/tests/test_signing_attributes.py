"""The signed attributes of the LSP's signature (signing._PadesAttributes): the ones pyhanko's own
PAdES attributes would be, the signing-certificate-v2 built once per signer instead of per
document."""

from __future__ import annotations

import io

from asn1crypto import cms
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import as_signing_certificate_v2

from services.lsp.issuance import signing
from services.lsp.issuance.pdf import render_certificate
from services.lsp.issuance.tests.test_pdf import LSP_NAME, _data, _validate


def _signed_attributes(pdf: bytes) -> cms.CMSAttributes:
    signature = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[0]
    attributes: cms.CMSAttributes = signature.signer_info["signed_attrs"]
    return attributes


async def _signed_by_pyhanko_alone(pdf: bytes, identity: signing.SigningIdentity) -> bytes:
    """The same document signed by a signer with pyhanko's default attributes."""
    cached = signing._signer(identity)
    plain = signers.SimpleSigner(signing_cert=cached.signing_cert, signing_key=cached.signing_key,
                                 cert_registry=cached.cert_registry)
    meta = signers.PdfSignatureMetadata(field_name=signing.FIELD_NAME, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES)
    out = io.BytesIO()
    await signers.PdfSigner(meta, signer=plain).async_sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), output=out)
    return out.getvalue()


async def test_the_attributes_are_pyhankos_own_with_the_certificates_hash() -> None:
    identity = signing.dev_identity("LSP-A", LSP_NAME)
    document = render_certificate(_data())
    ours = _signed_attributes(await signing.sign_pdf(document, identity, lsp_name=LSP_NAME))
    theirs = _signed_attributes(await _signed_by_pyhanko_alone(document, identity))

    assert [a["type"].native for a in ours] == [a["type"].native for a in theirs]
    by_type = {a["type"].native: a["values"][0] for a in ours}
    expected = as_signing_certificate_v2(identity.certificate).dump()
    assert by_type["signing_certificate_v2"].dump(force=True) == expected


def test_two_documents_signed_in_turn_both_validate_with_their_own_digest() -> None:
    identity = signing.dev_identity("LSP-B", LSP_NAME)
    first, second = (signing.sign_pdf_blocking(render_certificate(_data(full_name=name)), identity, lsp_name=LSP_NAME)
                     for name in ("Andi Wijaya", "Budi Santoso"))
    for pdf in (first, second):
        status = _validate(pdf, identity)
        assert status.intact and status.valid and status.trusted
    digests = {_value(_signed_attributes(pdf), "message_digest") for pdf in (first, second)}
    assert len(digests) == 2


def _value(attributes: cms.CMSAttributes, kind: str) -> object:
    return next(a["values"][0].native for a in attributes if a["type"].native == kind)
