"""LPJK's public verification (by recording number, by QR payload, its public keys) and what a
QR code shows: the verification URL and its PNG. Lookups are throttled per client address."""

from __future__ import annotations

import functools
import struct
import zlib
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.lpjk_mock.db import repository
from services.lpjk_mock.db.models import SkkRecord
from services.lpjk_mock.domain import numbers, qr, qr_compact, records, status
from services.lpjk_mock.keys import QrKeyring
from shared.bus import utcnow
from shared.contracts.issuance import VerificationResult
from shared.database import read_session
from shared.exceptions import TooManyRequests
from shared.reference import ReferenceData, get_reference
from shared.reference.identity import mask_name
from shared.throttle import Rule, Throttle

UNKNOWN = "unknown recording number"
MALFORMED = "not a recording number (check for a typing mistake)"


def verification_url(public_url: str, recording_number: str, token: str) -> str:
    """What the QR code encodes: ``{PUBLIC_URL}/V/{payload}`` for the compact payload (its route:
    web/routes.py), or, for a certificate signed before it, LPJK's public verification of the
    record carrying the JWS (its QR code is printed: the URL stays what it was)."""
    if qr.is_jws(token):
        return f"{public_url.rstrip('/')}/api/v1/public/certificates/{recording_number}?qr={token}"
    return qr_compact.url(public_url, token)


def number_named_by(qr_payload: str) -> str | None:
    """The recording number a compact QR payload names, its signature NOT checked, or None: where
    the QR code sends a browser (the page it lands on checks the payload against that record)."""
    token = qr.extract_token(qr_payload)
    if not token or qr.is_jws(token):
        return None
    try:
        named = qr_compact.unverified_claims(token).get("rn")
    except qr_compact.Malformed:
        return None
    return numbers.canonical(named) if isinstance(named, str) else None


def qr_png(url: str, *, scale: int = 4, border: int = 4) -> bytes:
    """The QR code of ``url`` as a 1-bit greyscale PNG (error level M, mask 0, the pixels
    segno's own PNG writer draws). The PNG is assembled here from segno's matrix: segno's
    writer builds it pixel by pixel in Python, several times slower.

    The same URL always gives the same PNG (a record's QR payload never changes), and drawing
    one costs about 4 ms: the latest are kept, for a repeated ``create_record`` (the issuing
    LSP retrying) and a PDF checked again."""
    return _qr_png(url, scale, border)


@functools.lru_cache(maxsize=1024)  # about 0.6 kB each
def _qr_png(url: str, scale: int, border: int) -> bytes:
    import segno  # imported on the first record, not at start-up

    matrix = segno.make_qr(url, error="m", mask=0, boost_error=False).matrix
    size = (len(matrix) + 2 * border) * scale
    width = (size + 7) // 8
    dark, light, edge = "0" * scale, "1" * scale, "1" * (border * scale)
    pad = "0" * (width * 8 - size)

    def scanline(bits: str) -> bytes:  # 1 = light, most significant bit first, filter 0
        return b"\x00" + int(bits + pad, 2).to_bytes(width, "big")

    blank = scanline("1" * size)
    rows = [blank] * (border * scale)
    for row in matrix:
        line = scanline(edge + "".join(dark if d else light for d in row) + edge)
        rows.extend([line] * scale)
    rows.extend([blank] * (border * scale))
    header = struct.pack(">IIBBBBB", size, size, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    return b"".join((b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header),
                     _chunk(b"IDAT", zlib.compress(b"".join(rows), 9)), _chunk(b"IEND", b"")))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


class Verification:
    """Public answers: a :class:`VerificationResult` for any number or payload, so a scanner needs
    one code path; the only error is the throttle's. Nothing of an unverified payload is vouched for."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], keyring: QrKeyring, throttle: Throttle,
                 lookup_limits: str, *, reference: Callable[[], ReferenceData] = get_reference,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.sessions = sessions
        self.keyring = keyring
        self.throttle = throttle
        # One allowance per client for both ways of looking up: by number and by QR payload.
        self.lookups = Rule("public-verification-client", lookup_limits)
        self.reference = reference
        self.clock = clock

    async def admit(self, client: str, field: str) -> None:
        """Count one public lookup from ``client``; :class:`TooManyRequests` (with Retry-After)
        once its allowance is used up. Per address only: nobody else's lookups are slowed."""
        wait = await self.throttle.hit([self.lookups], client)
        if wait is not None:
            raise TooManyRequests(f"too many verification requests from this address; try again in {wait} seconds",
                                  headers={"Retry-After": str(wait)},
                                  errors=[{"field": field, "message": "too many lookups; try again later"}])

    async def certificate(self, recording_number: str, qr_token: str | None = None, *,
                          client: str) -> VerificationResult:
        """The record's validity today; with ``qr_token`` (the payload the QR code carries, either form) its
        signature is checked too and it must name this record. A number that cannot be one
        (shape, check symbol) answers without a lookup."""
        await self.admit(client, "recording_number")
        number = numbers.canonical(recording_number)
        if number is None:
            return VerificationResult(valid=False, reason=MALFORMED, recording_number=recording_number)
        today = records.wib_date(self.clock())
        async with read_session(self.sessions) as s:
            row = await repository.get(s, number)
        if row is None:
            return VerificationResult(valid=False, reason=UNKNOWN, recording_number=number)
        result = self._from_record(row, today)
        if qr_token:
            check = qr.verify(qr_token, self.keyring.public_keys)
            if not check.valid:
                return result.model_copy(update={"valid": False, "reason": f"QR payload: {check.reason}",
                                                 "key_id": check.key_id})
            assert check.claims is not None
            if check.claims["rn"] != row.recording_number or check.claims["skk"] != row.skk_number:
                return result.model_copy(update={"valid": False, "reason": "QR payload belongs to another record"})
        return result

    async def qr_payload(self, payload: str, *, client: str) -> VerificationResult:
        """The signature checked offline against the public key of the payload's ``kid``; the
        certificate's fields come from the signed claims (and the register, when it knows the
        record). Invalid for a bad signature, an unknown key id, expiry, or a revocation."""
        await self.admit(client, "qr_payload")
        check = qr.verify(payload, self.keyring.public_keys)
        if not check.valid or check.claims is None:
            return VerificationResult(valid=False, reason=check.reason, key_id=check.key_id)
        c = check.claims
        async with read_session(self.sessions) as s:
            row = await repository.get(s, str(c["rn"]))
        valid_from, valid_until = date.fromisoformat(c["vf"]), date.fromisoformat(c["vu"])
        # The register's standing; a payload LPJK signed for a record it does not hold (another
        # deployment's, a test's) is judged by its dates alone.
        answer = status.standing(row.status if row is not None else status.ACTIVE, valid_from, valid_until,
                                 records.wib_date(self.clock()))
        extra: dict[str, Any] = {}
        if row is not None:
            extra = {"registration_number": row.registration_number, "klasifikasi_code": row.klasifikasi_code,
                     "subklasifikasi_code": row.subklasifikasi_code, "kualifikasi": row.kualifikasi,
                     "jenjang": row.jenjang, "lsp_code": row.lsp_code, "superseded_by": row.superseded_by}
        return VerificationResult(
            valid=answer.valid, reason=answer.reason, status=answer.status, recording_number=c["rn"],
            skk_number=c["skk"], holder_name_masked=c["nm"], jabatan_kerja_code=c["jk"],
            jabatan_kerja_name=self._jabatan_kerja_name(c["jk"]), issued_on=valid_from, valid_until=valid_until,
            revoked=answer.status == status.REVOKED, key_id=check.key_id, **extra,
        )

    def signing_keys(self) -> list[dict[str, str]]:
        """LPJK's Ed25519 public keys as JWKs: the current one and the retired ones still accepted."""
        return [qr.public_jwk(kid, key) for kid, key in self.keyring.public_keys.items()]

    def _jabatan_kerja_name(self, code: str | None) -> str | None:
        jk = self.reference().jabatan_kerja.get(code or "")
        return str(jk["name"]) if jk else None

    def _from_record(self, row: SkkRecord, today: date) -> VerificationResult:
        answer = status.standing(row.status, row.issued_on, row.valid_until, today)
        return VerificationResult(
            valid=answer.valid, reason=answer.reason, status=answer.status, superseded_by=row.superseded_by,
            recording_number=row.recording_number, skk_number=row.skk_number,
            registration_number=row.registration_number, holder_name_masked=mask_name(row.full_name),
            jabatan_kerja_code=row.jabatan_kerja_code,
            jabatan_kerja_name=self._jabatan_kerja_name(row.jabatan_kerja_code),
            klasifikasi_code=row.klasifikasi_code, subklasifikasi_code=row.subklasifikasi_code,
            kualifikasi=row.kualifikasi, jenjang=row.jenjang, lsp_code=row.lsp_code, issued_on=row.issued_on,
            valid_until=row.valid_until, revoked=answer.status == status.REVOKED, key_id=row.key_id,
        )
