"""LPJK's QR PNG has exactly the pixels of segno's own PNG writer."""

from __future__ import annotations

import io

import pytest
import segno
from PIL import Image

from services.lpjk_mock.usecases.verification import qr_png

JWS = "eyJhbGciOiJFZERTQSIsImtpZCI6ImxwamstZGV2LTEifQ.eyJpc3MiOiJMUEpLIiwicm4iOiJMUEpLLTIwMjYtMDAwMDAwNDIifQ.c2ln"


@pytest.mark.parametrize("url", [
    "http://x/?qr=a",
    f"http://127.0.0.1:8004/api/v1/public/certificates/LPJK-2026-00000042?qr={JWS}",
    f"https://lpjk.example/api/v1/public/certificates/LPJK-2026-00000042?qr={JWS * 4}",
])
def test_same_pixels_as_segno(url: str) -> None:
    buf = io.BytesIO()
    segno.make_qr(url, error="m", mask=0, boost_error=False).save(buf, kind="png", scale=4, border=4)
    expected = Image.open(io.BytesIO(buf.getvalue()))
    ours = Image.open(io.BytesIO(qr_png(url)))
    assert ours.mode == expected.mode == "1"
    assert ours.size == expected.size
    assert ours.convert("L").tobytes() == expected.convert("L").tobytes()
