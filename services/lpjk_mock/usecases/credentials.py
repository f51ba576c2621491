"""What a verifier downloads to check certificates itself, even offline: ``get_credential`` (a
certificate as a signed VC 2.0), ``get_status_list`` (the revocation and suspension Bitstring
Status Lists, signed) and ``get_trust_list`` (the keys to accept: LPJK's, current and retired,
and each LSP's PDF-signing certificate)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.lpjk_mock.db import repository
from services.lpjk_mock.domain import credentials as docs
from services.lpjk_mock.domain import numbers, records
from services.lpjk_mock.keys import QrKeyring
from services.lpjk_mock.usecases.verification import Verification
from shared.bus import utcnow
from shared.credentials import PURPOSES, TrustedKey, TrustList, encode_bits, sign_credential
from shared.database import read_session
from shared.exceptions import NotFound
from shared.reference import ReferenceData, get_reference
from shared.servicekeys import public_x

# Which stored standing sets a certificate's bit in each list.
LIST_STATUS = {"revocation": "revoked", "suspension": "suspended"}


@dataclass(frozen=True)
class KeyWindow:
    """A key's validity as the trust list states it."""

    valid_from: datetime | None = None
    valid_until: datetime | None = None


@dataclass(frozen=True)
class Document:
    """A signed document and its entity tag (a hash of its bytes)."""

    body: str
    etag: str


def _document(body: str) -> Document:
    return Document(body, '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"')


class Credentials:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], keyring: QrKeyring, public_url: str,
                 verification: Verification, *, current_key: KeyWindow = KeyWindow(),
                 retired_keys: Mapping[str, KeyWindow] | None = None,
                 lsp_certificates: Mapping[str, str] | None = None,
                 reference: Callable[[], ReferenceData] = get_reference,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.sessions = sessions
        self.keyring = keyring
        self.public_url = public_url
        self.verification = verification  # its throttle: credentials count as verification lookups
        self.current_key = current_key
        self.retired_keys = dict(retired_keys or {})
        # Parsed once: a malformed certificate fails the start, not the first request.
        self.pdf_keys = [_pdf_key(code, pem) for code, pem in sorted((lsp_certificates or {}).items())]
        self.reference = reference
        self.clock = clock

    async def credential(self, recording_number: str, *, client: str) -> Document:
        """The certificate as a signed VC (``vc+jwt``), whatever its standing (the status lists
        say it); ``NotFound`` naming ``recording_number`` for an unknown or malformed number."""
        await self.verification.admit(client, "recording_number")
        number = numbers.canonical(recording_number)
        row = None
        if number is not None:
            async with read_session(self.sessions) as s:
                row = await repository.get(s, number)
        if row is None:
            raise records.UnknownRecord(f"no SKK recorded as {recording_number}",
                                        errors=[{"field": "recording_number", "message": "not recorded"}])
        jk = self.reference().jabatan_kerja.get(row.jabatan_kerja_code)
        cert = docs.Certificate(
            recording_number=row.recording_number, skk_number=row.skk_number,
            registration_number=row.registration_number, nik=row.nik, full_name=row.full_name,
            klasifikasi_code=row.klasifikasi_code, subklasifikasi_code=row.subklasifikasi_code,
            jabatan_kerja_code=row.jabatan_kerja_code, jabatan_kerja_name=str(jk["name"]) if jk else None,
            kualifikasi=row.kualifikasi, jenjang=row.jenjang, lsp_code=row.lsp_code, issued_on=row.issued_on,
            valid_until=row.valid_until, status_list_index=row.status_list_index,
        )
        return _document(self._sign(docs.skk_credential(self.public_url, cert)))

    async def status_list(self, purpose: str) -> Document:
        """The signed status list of ``purpose`` (revocation: revoked certificates; suspension:
        those suspended now), the same bytes within a window while no bit changes."""
        if purpose not in PURPOSES:
            raise NotFound(f"no status list for {purpose!r}",
                           errors=[{"field": "purpose", "message": f"one of {', '.join(PURPOSES)}"}])
        async with read_session(self.sessions) as s:
            indexes = await repository.indexes_with_status(s, LIST_STATUS[purpose])
        doc = docs.status_list_credential(self.public_url, purpose, encode_bits(indexes),
                                          docs.window_start(self.clock()))
        return _document(self._sign(doc))

    def trust_list(self) -> TrustList:
        keys = [self._lpjk_key(self.keyring.key_id, "active", self.current_key)]
        keys += [self._lpjk_key(kid, "retired", self.retired_keys.get(kid, KeyWindow()))
                 for kid in self.keyring.public_keys if kid != self.keyring.key_id]
        keys += self.pdf_keys
        # Stamped with the window's start, so that the same keys give the same bytes (and ETag).
        return TrustList(issuer="LPJK", issued_at=docs.window_start(self.clock()), keys=keys)

    def trust_list_document(self) -> Document:
        return _document(self.trust_list().model_dump_json())

    def _sign(self, document: dict[str, object]) -> str:
        return sign_credential(document, self.keyring.signing_key, self.keyring.key_id)

    def _lpjk_key(self, kid: str, state: str, window: KeyWindow) -> TrustedKey:
        return TrustedKey(kid=kid, owner="LPJK", purposes=["qr", "credential", "status_list"],
                          status=state,  # type: ignore[arg-type]
                          valid_from=window.valid_from, valid_until=window.valid_until, kty="OKP", crv="Ed25519",
                          x=public_x(self.keyring.public_keys[kid]))


def _pdf_key(lsp_code: str, pem: str) -> TrustedKey:
    """An LSP's PDF-signing certificate; its kid names the LSP and the certificate's fingerprint."""
    cert = x509.load_pem_x509_certificate(pem.encode())
    fingerprint = cert.fingerprint(hashes.SHA256()).hex()
    return TrustedKey(kid=f"{lsp_code}:pdf:{fingerprint[:16]}", owner=lsp_code, purposes=["pdf"], status="active",
                      valid_from=cert.not_valid_before_utc, valid_until=cert.not_valid_after_utc,
                      certificate_pem=pem)

