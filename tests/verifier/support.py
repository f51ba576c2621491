"""Genuine (and forged) verifier inputs built in-process: LPJK's QR payloads, credentials, trust
list and status lists signed with dev keys, and certificate PDFs drawn and signed by the LSP's
own code, as services/lsp/issuance does."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.lpjk_mock.domain import numbers, qr, qr_compact
from services.lsp.issuance.pdf import CertificateData, render_certificate
from services.lsp.issuance.signing import dev_identity, sign_pdf_blocking
from shared.credentials import VC_CONTEXT, TrustedKey, TrustList, encode_bits, sign_credential
from shared.servicekeys import public_x

KID = "lpjk-2026-1"
LPJK_URL = "https://lpjk.example.go.id"
LSP_NAME = "LSP Konstruksi A (dev)"
NUMBER = numbers.recording_number(2026, bytes(range(1, 8)))
SKK = "SI012022.4.2026.0000042"
INDEX = 70_123  # the certificate's status_list_index
ISSUED, UNTIL = date(2026, 3, 2), date(2031, 3, 1)
TODAY = date(2026, 12, 3)


def lpjk_key() -> Ed25519PrivateKey:
    return qr.dev_signing_key()


def other_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"not LPJK's key").digest())


def trust_list(*, pdf_lsps: tuple[str, ...] = ("LSP-A",), key: Ed25519PrivateKey | None = None) -> TrustList:
    pub = (key or lpjk_key()).public_key()
    keys = [TrustedKey(kid=KID, owner="LPJK", purposes=["qr", "credential", "status_list"], status="active",
                       valid_from=datetime(2026, 1, 1, tzinfo=UTC), kty="OKP", crv="Ed25519", x=public_x(pub))]
    for code in pdf_lsps:
        pem = dev_identity(code, LSP_NAME).cert_pem.decode()
        keys.append(TrustedKey(kid=f"{code}-pdf-1", owner=code, purposes=["pdf"], status="active",
                               certificate_pem=pem))
    return TrustList(issued_at=datetime(2026, 12, 1, tzinfo=UTC), keys=keys)


FORMS = ("compact", "jws")  # LPJK's QR payload since issue 16, and the JWS of certificates issued before


def qr_token(*, key: Ed25519PrivateKey | None = None, kid: str = KID, si: int | None = INDEX,
             form: str = "jws", **over: Any) -> str:
    """A QR payload LPJK signed (by default the JWS of certificates issued before issue 16)."""
    claims = qr.claims(recording_number=NUMBER, skk_number=SKK, holder_name_masked="Bu** San****",
                       jabatan_kerja_code="SI012022", valid_from=ISSUED, valid_until=UNTIL)
    if si is not None:
        claims["si"] = si
    claims.update(over)
    sign = qr.sign_compact if form == "compact" else qr.sign
    return sign(claims, key or lpjk_key(), kid)


def url_of(token: str, number: str = NUMBER) -> str:
    """The URL the QR code holds: ``{LPJK}/V/{payload}`` for the compact form, else the API's ``?qr=``."""
    if not qr.is_jws(token):
        return qr_compact.url(LPJK_URL, token)
    return f"{LPJK_URL}/api/v1/public/certificates/{number}?qr={token}"


def status_list(purpose: str, set_indexes: tuple[int, ...] = (), *, key: Ed25519PrivateKey | None = None,
                valid_until: datetime | None = None) -> str:
    until = valid_until or datetime(2026, 12, 4, tzinfo=UTC)
    url = f"{LPJK_URL}/api/v1/public/status-lists/{purpose}"
    credential = {
        "@context": [VC_CONTEXT], "id": url, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": LPJK_URL, "validFrom": (until - timedelta(days=1)).isoformat(), "validUntil": until.isoformat(),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": purpose,
                              "encodedList": encode_bits(set_indexes)},
    }
    return sign_credential(credential, key or lpjk_key(), KID)


def credential(*, key: Ed25519PrivateKey | None = None, kid: str = KID, index: int = INDEX) -> str:
    def entry(purpose: str) -> dict[str, str]:
        return {"id": f"{LPJK_URL}/api/v1/public/status-lists/{purpose}#{index}",
                "type": "BitstringStatusListEntry", "statusPurpose": purpose, "statusListIndex": str(index),
                "statusListCredential": f"{LPJK_URL}/api/v1/public/status-lists/{purpose}"}

    vc = {
        "@context": [VC_CONTEXT], "id": f"{LPJK_URL}/api/v1/public/credentials/{NUMBER}",
        "type": ["VerifiableCredential", "SkkCredential"], "issuer": LPJK_URL,
        "validFrom": ISSUED.isoformat(), "validUntil": UNTIL.isoformat(),
        "credentialSubject": {"name": "Budi Santoso", "nik_masked": "317101********01",
                              "achievement": {"recording_number": NUMBER, "skk_number": SKK,
                                              "jabatan_kerja_code": "SI012022", "jenjang": 4,
                                              "lsp_code": "LSP-A"}},
        "credentialStatus": [entry("revocation"), entry("suspension")],
    }
    return sign_credential(vc, key or lpjk_key(), kid)


def certificate_pdf(url: str, *, lsp_code: str = "LSP-A", number: str = NUMBER) -> bytes:
    data = CertificateData(
        full_name="Budi Santoso", nik="3171011708450001", klasifikasi_code="SI", subklasifikasi_code="SI01",
        jabatan_kerja_code="SI012022", kualifikasi="Teknisi/Analis", jenjang=4, lsp_code=lsp_code,
        lsp_name=LSP_NAME, skk_number=SKK, registration_number="BNSP/LSP-A/2026/0000042",
        recording_number=number, issued_on=ISSUED, valid_until=UNTIL, verification_url=url)
    return sign_pdf_blocking(render_certificate(data), dev_identity(lsp_code, LSP_NAME), lsp_name=LSP_NAME)


@dataclass(frozen=True)
class Files:
    trust: Path
    revocation: Path
    suspension: Path

    def args(self) -> list[str]:
        return ["--trust-list", str(self.trust), "--status-list", str(self.revocation),
                "--status-list", str(self.suspension)]


def write_inputs(folder: Path, *, trust: TrustList | None = None, revoked: tuple[int, ...] = (),
                 suspended: tuple[int, ...] = (), revocation: str | None = None,
                 suspension: str | None = None) -> Files:
    folder.mkdir(parents=True, exist_ok=True)
    files = Files(folder / "trust-list.json", folder / "revocation.jwt", folder / "suspension.jwt")
    files.trust.write_text((trust or trust_list()).model_dump_json())
    files.revocation.write_text(revocation or status_list("revocation", revoked))
    files.suspension.write_text(suspension or status_list("suspension", suspended))
    return files
