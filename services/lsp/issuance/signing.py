"""The LSP's digital signature on the e-certificate: PAdES (CMS, ``ETSI.CAdES.detached``) in a
visible signature field, so a PDF reader shows who signed it and that nothing changed since.

The signing identity comes from settings (key and certificate PEM). In dev each LSP code gets a
deterministic self-signed certificate: an ECDSA P-256 key derived from a published seed and a
certificate signed with deterministic ECDSA (RFC 6979), so it is the same in every process and
a verifier can pin it; production mode refuses it (IssuanceSettings).
"""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import attributes, fields, signers
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko.sign.signers.pdf_cms import CAdESSignedAttributeProviderSpec, PdfCMSSignedAttributes
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from services.lsp.issuance.pdf import PAGE_HEIGHT_MM, SIGNATURE_BOX_MM
from services.lsp.issuance.settings import IssuanceSettings
from shared.certificate_pdf import ASN1_LOCK
from shared.devpdf import dev_key_and_certificate, dev_private_key

__all__ = ["FIELD_NAME", "SigningIdentity", "dev_identity", "dev_private_key", "identity_for", "sign_pdf",
           "sign_pdf_blocking"]

FIELD_NAME = "TandaTanganLSP"
CERTIFICATE_REASON = "Penerbitan Sertifikat Kompetensi Kerja Konstruksi"
_MM = 72 / 25.4


@dataclass(frozen=True)
class SigningIdentity:
    key_pem: bytes
    cert_pem: bytes  # the signer's certificate first, then its chain

    @property
    def certificate(self) -> asn1_x509.Certificate:
        return load_certs_from_pemder_data(self.cert_pem).__next__()


@lru_cache(maxsize=16)
def dev_identity(lsp_code: str, lsp_name: str) -> SigningIdentity:
    """The dev self-signed identity of ``lsp_code``: the same bytes every time (shared/devpdf.py,
    where LPJK's trust list derives the same certificate)."""
    key_pem, cert_pem = dev_key_and_certificate(lsp_code, lsp_name)
    return SigningIdentity(key_pem=key_pem, cert_pem=cert_pem)


def identity_for(cfg: IssuanceSettings, lsp_code: str, lsp_name: str) -> SigningIdentity:
    key = cfg.certificate_signing_key_pem.get_secret_value().strip()
    cert = cfg.certificate_signing_cert_pem.strip()
    if key and cert:
        return SigningIdentity(key.encode(), cert.encode())
    return dev_identity(lsp_code, lsp_name)


@lru_cache(maxsize=16)
def _signer(identity: SigningIdentity) -> signers.SimpleSigner:
    """The pyhanko signer of ``identity``, parsed once (it holds no per-document state)."""
    certs = list(load_certs_from_pemder_data(identity.cert_pem))
    if not certs:
        raise ValueError("the signing certificate PEM holds no certificate")
    key: asn1_keys.PrivateKeyInfo = load_private_key_from_pemder_data(identity.key_pem, passphrase=None)
    signer = signers.SimpleSigner(
        signing_cert=certs[0], signing_key=key, cert_registry=SimpleCertificateStore.from_certs(certs),
    )
    signer.signed_attr_prov_spec = _PadesAttributes(certs[0])
    return signer


class _KnownAttribute(attributes.CMSAttributeProvider):
    """A signed attribute whose value is the same in every signature of one signer."""

    def __init__(self, attribute_type: str, value: tsp.SigningCertificateV2) -> None:
        self.attribute_type = attribute_type
        self.value = value

    async def build_attr_value(self, dry_run: bool = False) -> tsp.SigningCertificateV2:
        return self.value


class _PadesAttributes(CAdESSignedAttributeProviderSpec):
    """pyhanko's PAdES signed attributes, its ESS signing-certificate-v2 (the certificate's hash,
    issuer and serial) built once per signer and kept as parsed DER. asn1crypto re-encodes a
    value it built from Python values every time anything containing it is encoded, so pyhanko's
    fresh attribute per signature was about three quarters of a signature's CPU (18.4 -> 3.8 ms
    per signature measured alone); parsed values encode as the bytes they were read from. PAdES
    signs no signing time and we ask for no further CAdES attributes, so the set is the same for
    every document."""

    def __init__(self, certificate: asn1_x509.Certificate) -> None:
        super().__init__(attr_settings=PdfCMSSignedAttributes(), signing_cert=certificate, is_pades=True,
                         timestamper=None)
        value = tsp.SigningCertificateV2.load(as_signing_certificate_v2(certificate).dump())
        self._certificate = _KnownAttribute("signing_certificate_v2", value)

    def signed_attr_providers(self, data_digest: bytes,
                              digest_algorithm: str) -> Iterator[attributes.CMSAttributeProvider]:
        for provider in super().signed_attr_providers(data_digest=data_digest, digest_algorithm=digest_algorithm):
            known = isinstance(provider, attributes.SigningCertificateV2Provider)
            yield self._certificate if known else provider


_RESERVED: dict[SigningIdentity, int] = {}


async def _bytes_reserved(identity: SigningIdentity) -> int:
    """The room for the CMS object in the PDF, as pyhanko estimates it (a dry-run signature,
    plus its 50 % margin), once per identity instead of once per document: the estimate depends
    only on the certificate chain and the algorithms, and the dry run is a third of a signature's
    CPU."""
    found = _RESERVED.get(identity)
    if found is None:
        dummy_digest = hashes.Hash(hashes.SHA256()).finalize()
        test = await _signer(identity).async_sign(
            dummy_digest, "sha256", use_pades=True, dry_run=True,
            signed_attr_settings=PdfCMSSignedAttributes(signing_time=datetime.now(UTC)))
        test_len = len(test.dump()) * 2  # hex in the PDF
        found = _RESERVED[identity] = test_len + 2 * (test_len // 4)
    return found


async def sign_pdf(pdf: bytes, identity: SigningIdentity, *, lsp_name: str, location: str = "Indonesia",
                   reason: str = CERTIFICATE_REASON, on_page: int = 0) -> bytes:
    """``pdf`` with the LSP's visible PAdES signature over every byte of it."""
    x1, top, x2, bottom = SIGNATURE_BOX_MM
    # PDF user space starts at the bottom-left corner, in points.
    box = (int(x1 * _MM), int((PAGE_HEIGHT_MM - bottom) * _MM), int(x2 * _MM), int((PAGE_HEIGHT_MM - top) * _MM))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        name=lsp_name,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )
    style = TextStampStyle(
        stamp_text="Ditandatangani secara elektronik oleh\n%(signer)s\nWaktu: %(ts)s",
        border_width=1,
    )
    pdf_signer = signers.PdfSigner(
        meta, signer=_signer(identity), stamp_style=style,
        new_field_spec=fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=on_page, box=box),
    )
    out = io.BytesIO()
    await pdf_signer.async_sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), output=out,
                                    bytes_reserved=await _bytes_reserved(identity))
    return out.getvalue()


# Each worker thread keeps the event loop its signatures run on: a new loop per signature (its
# selector and self-pipe, then their teardown) was a tenth of a signature's CPU.
_THREAD_LOOP = threading.local()


def sign_pdf_blocking(pdf: bytes, identity: SigningIdentity, *, lsp_name: str, reason: str = CERTIFICATE_REASON,
                      on_page: int = 0) -> bytes:
    """:func:`sign_pdf` for a worker thread (its own event loop), so that the CPU-bound signing
    does not stall the service's loop; one signature at a time per process (``ASN1_LOCK``)."""
    with ASN1_LOCK:
        loop: asyncio.AbstractEventLoop | None = getattr(_THREAD_LOOP, "loop", None)
        if loop is None or loop.is_closed():
            loop = _THREAD_LOOP.loop = asyncio.new_event_loop()
        return loop.run_until_complete(sign_pdf(pdf, identity, lsp_name=lsp_name, reason=reason, on_page=on_page))
