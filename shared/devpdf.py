"""The dev LSPs' PDF-signing identities: for each LSP code a deterministic self-signed certificate
(an ECDSA P-256 key derived from a published seed, the certificate signed with deterministic
ECDSA, RFC 6979), the same bytes in every process. The LSP signs its e-certificates with it in dev
(services/lsp/issuance/signing.py) and LPJK lists its certificate in the trust list in dev, so an
offline verifier can pin it. Production mode refuses it (the LSP's IssuanceSettings)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

_P256_ORDER = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)


def _dev_seed(lsp_code: str) -> bytes:
    return hashlib.sha256(f"skk-dev-only:lsp-pdf-signing:{lsp_code}".encode()).digest()


def dev_private_key(lsp_code: str) -> ec.EllipticCurvePrivateKey:
    """The dev signing key of ``lsp_code``, derivable by anyone (production refuses it)."""
    return ec.derive_private_key(int.from_bytes(_dev_seed(lsp_code), "big") % (_P256_ORDER - 1) + 1, ec.SECP256R1())


@lru_cache(maxsize=16)
def dev_key_and_certificate(lsp_code: str, lsp_name: str) -> tuple[bytes, bytes]:
    """(private key PKCS#8 PEM, certificate PEM) of ``lsp_code``'s dev identity: the same bytes
    every time (the certificate names ``lsp_name``, so both sides must use the same name)."""
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
    return (key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()),
            cert.public_bytes(serialization.Encoding.PEM))


def dev_certificate_pem(lsp_code: str, lsp_name: str) -> str:
    """The dev certificate of ``lsp_code`` (PEM), as the trust list carries it."""
    return dev_key_and_certificate(lsp_code, lsp_name)[1].decode()
