"""The LSP's digital signature on the e-certificate: PAdES (CMS, ``ETSI.CAdES.detached``) in a
visible signature field, so a PDF reader shows who signed it and that nothing changed since.

The signing identity comes from settings (key and certificate PEM). In dev each LSP code gets a
deterministic self-signed certificate: an ECDSA P-256 key derived from a published seed and a
certificate signed with deterministic ECDSA (RFC 6979), so it is the same in every process and
a verifier can pin it; production mode refuses it (IssuanceSettings).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from services.lsp.issuance.pdf import PAGE_HEIGHT_MM, SIGNATURE_BOX_MM
from services.lsp.issuance.settings import IssuanceSettings

FIELD_NAME = "TandaTanganLSP"
_P256_ORDER = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)
_MM = 72 / 25.4


@dataclass(frozen=True)
class SigningIdentity:
    key_pem: bytes
    cert_pem: bytes  # the signer's certificate first, then its chain

    @property
    def certificate(self) -> asn1_x509.Certificate:
        return load_certs_from_pemder_data(self.cert_pem).__next__()


def _dev_seed(lsp_code: str) -> bytes:
    return hashlib.sha256(f"skk-dev-only:lsp-pdf-signing:{lsp_code}".encode()).digest()


def dev_private_key(lsp_code: str) -> ec.EllipticCurvePrivateKey:
    """The dev signing key of ``lsp_code``, derivable by anyone (production refuses it)."""
    return ec.derive_private_key(int.from_bytes(_dev_seed(lsp_code), "big") % (_P256_ORDER - 1) + 1, ec.SECP256R1())


@lru_cache(maxsize=16)
def dev_identity(lsp_code: str, lsp_name: str) -> SigningIdentity:
    """The dev self-signed identity of ``lsp_code``: the same bytes every time."""
    seed = _dev_seed(lsp_code)
    key = dev_private_key(lsp_code)
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, lsp_name or lsp_code),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "DEV ONLY - not a real signing certificate"),
        x509.NameAttribute(NameOID.COMMON_NAME, f"{lsp_code} e-Sertifikat (dev)"),
    ])
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(int.from_bytes(seed[:16], "big") >> 1)
        .not_valid_before(datetime(2025, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2045, 1, 1, tzinfo=UTC))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=False,
                          encipher_only=False, decipher_only=False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256(), ecdsa_deterministic=True)
    )
    return SigningIdentity(
        key_pem=key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()),
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
    )


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
    return signers.SimpleSigner(
        signing_cert=certs[0], signing_key=key, cert_registry=SimpleCertificateStore.from_certs(certs),
    )


async def sign_pdf(pdf: bytes, identity: SigningIdentity, *, lsp_name: str, location: str = "Indonesia",
                   reason: str = "Penerbitan Sertifikat Kompetensi Kerja Konstruksi", on_page: int = 0) -> bytes:
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
    await pdf_signer.async_sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), output=out)
    return out.getvalue()


def sign_pdf_blocking(pdf: bytes, identity: SigningIdentity, *, lsp_name: str) -> bytes:
    """:func:`sign_pdf` for a worker thread (its own event loop), so that the CPU-bound signing
    does not stall the service's loop."""
    import asyncio

    return asyncio.run(sign_pdf(pdf, identity, lsp_name=lsp_name))
