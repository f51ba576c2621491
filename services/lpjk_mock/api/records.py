"""``create_record`` (LSPs) and ``revoke_record`` (LPJK operators)."""

from __future__ import annotations

import base64
import hmac
import struct
import zlib

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from services.lpjk_mock.db import repository
from services.lpjk_mock.db.models import SkkRecord
from services.lpjk_mock.domain import records
from services.lpjk_mock.keys import QrKeyring
from services.lpjk_mock.settings import LpjkSettings
from shared.auth import bearer_token, verify_service_token
from shared.bus import utcnow
from shared.contracts.issuance import RecordRequest, RecordResponse
from shared.errors import PROBLEM_RESPONSES, Problem, validation_problem
from shared.reference import get_reference
from shared.runtime import ServiceRuntime

router = APIRouter(prefix="/api/v1", tags=["recording"])

AUDIENCE = "lpjk"


class RecordAnswer(RecordResponse):
    # The QR code itself (PNG, base64) for callers that do not render their own from
    # ``verification_url``, which is what it encodes.
    qr_png_base64: str


class RevokeRequest(BaseModel):
    reason: str = Field(min_length=3, max_length=500)


def verification_url(settings: LpjkSettings, recording_number: str, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}/api/v1/public/certificates/{recording_number}?qr={token}"


def qr_png(url: str, *, scale: int = 4, border: int = 4) -> bytes:
    """The QR code of ``url`` as a 1-bit greyscale PNG (error level M, mask 0, the pixels
    segno's own PNG writer draws). The PNG is assembled here from segno's matrix: segno's
    writer builds it pixel by pixel in Python, several times slower."""
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


async def service_caller(request: Request) -> str:
    runtime: ServiceRuntime = request.app.state.runtime
    return verify_service_token(
        bearer_token(request), secret=runtime.settings.service_token_secret.get_secret_value(), audience=AUDIENCE
    )


async def operator(request: Request) -> str:
    settings: LpjkSettings = request.app.state.runtime.settings
    if not hmac.compare_digest(bearer_token(request), settings.operator_token.get_secret_value()):
        raise Problem(401, "not an LPJK operator", headers={"WWW-Authenticate": "Bearer"})
    return "operator"


def answer(settings: LpjkSettings, row: SkkRecord) -> RecordAnswer:
    url = verification_url(settings, row.recording_number, row.qr_payload)
    return RecordAnswer(
        recording_number=row.recording_number, skk_number=row.skk_number,
        registration_number=row.registration_number, qr_payload=row.qr_payload, verification_url=url,
        issued_on=row.issued_on, valid_until=row.valid_until,
        qr_png_base64=base64.b64encode(qr_png(url)).decode(),
    )


@router.post(
    "/records",
    operation_id="create_record",
    response_model=RecordAnswer,
    status_code=201,
    responses={**PROBLEM_RESPONSES, 200: {"description": "a repeat: the record already made", "model": RecordAnswer}},
    summary="Record an SKK; returns the recording number and the signed QR code (idempotent per SKK number)",
)
async def create_record(
    body: RecordRequest, request: Request, response: Response, caller: str = Depends(service_caller)
) -> RecordAnswer:
    """201 for a new record (and the ``skk.recorded`` event); 200 with the same recording number
    and QR payload for a repeat; 409 if a repeat changes the facts; 403 if the caller is not the
    LSP named; 422 for inconsistent facts."""
    if caller != f"lsp:{body.lsp_code}":
        raise Problem(403, f"service {caller!r} may not record SKK for {body.lsp_code}",
                      errors=[{"field": "lsp_code", "message": "must be the calling LSP"}])
    problems = records.record_problems(get_reference(), body)
    if problems:
        raise validation_problem(problems)
    runtime: ServiceRuntime = request.app.state.runtime
    keyring: QrKeyring = request.app.state.qr_keyring
    row, created = await repository.record(runtime, body, keyring, utcnow())
    response.status_code = 201 if created else 200
    return answer(runtime.settings, row)  # type: ignore[arg-type]


@router.post(
    "/records/{recording_number}/revoke",
    operation_id="revoke_record",
    response_model=RecordAnswer,
    responses=PROBLEM_RESPONSES,
    summary="Revoke a recorded SKK (LPJK operators); verification answers revoked from then on",
)
async def revoke_record(recording_number: str, body: RevokeRequest, request: Request,
                        _: str = Depends(operator)) -> RecordAnswer:
    runtime: ServiceRuntime = request.app.state.runtime
    row = await repository.revoke(runtime, recording_number, body.reason, utcnow())
    return answer(runtime.settings, row)  # type: ignore[arg-type]
