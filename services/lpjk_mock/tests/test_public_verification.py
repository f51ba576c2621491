"""Public verification as an attacker and as an honest reader see it: numbers that cannot be
walked, lookups throttled per client address, an honest reader elsewhere unaffected."""

from __future__ import annotations

import httpx

from services.lpjk_mock.domain import numbers
from services.lpjk_mock.tests.helpers import auth, record_body, running
from services.lpjk_mock.usecases.verification import MALFORMED, UNKNOWN


async def test_two_hundred_rapid_lookups_from_one_client_are_throttled_others_are_not(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, attacker):
        rec = (await attacker.post("/api/v1/records", json=record_body(), headers=auth())).json()
        number = rec["recording_number"]

        answers = [await attacker.get(f"/api/v1/public/certificates/{number}") for _ in range(200)]
        statuses = [a.status_code for a in answers]
        assert statuses[:30] == [200] * 30  # SKK_PUBLIC_VERIFICATION_LIMITS: 30 a minute
        assert statuses.count(429) == 170
        refused = answers[-1]
        assert refused.headers["content-type"] == "application/problem+json"
        assert int(refused.headers["Retry-After"]) >= 1
        assert refused.json()["field"] == "recording_number"
        # The same allowance covers the QR payload route: switching routes does not reset it.
        qr = await attacker.post("/api/v1/public/qr/verify", json={"qr_payload": rec["qr_payload"]})
        assert qr.status_code == 429 and qr.json()["field"] == "qr_payload"

        transport = httpx.ASGITransport(app=app, client=("10.0.0.2", 123))
        async with httpx.AsyncClient(transport=transport, base_url="http://lpjk") as honest:
            ok = await honest.get(f"/api/v1/public/certificates/{number}")
            assert ok.status_code == 200 and ok.json()["valid"] is True
            by_qr = await honest.post("/api/v1/public/qr/verify", json={"qr_payload": rec["qr_payload"]})
            assert by_qr.status_code == 200 and by_qr.json()["valid"] is True


async def test_the_allowance_is_a_setting(sqlite_url: str) -> None:
    async with running(sqlite_url, public_verification_limits="3/minute") as (_, client):
        statuses = [(await client.get("/api/v1/public/certificates/LPJK-2026-00000001")).status_code
                    for _ in range(5)]
        assert statuses == [200, 200, 200, 429, 429]


async def test_numbers_are_checked_before_the_register_is_read(sqlite_url: str) -> None:
    async with running(sqlite_url) as (_, client):
        rec = (await client.post("/api/v1/records", json=record_body(), headers=auth())).json()
        number = rec["recording_number"]

        # Typed from the paper certificate: lower case, without hyphens.
        typed = await client.get(f"/api/v1/public/certificates/{number.lower().replace('-', '')}")
        assert typed.json()["valid"] is True and typed.json()["recording_number"] == number

        # A guess (or a typing mistake) fails its check symbol and says so.
        last = number[-1]
        guess = number[:-1] + next(c for c in numbers.ALPHABET if c != last)
        wrong = await client.get(f"/api/v1/public/certificates/{guess}")
        assert wrong.status_code == 200
        assert wrong.json()["valid"] is False and wrong.json()["reason"] == MALFORMED

        # A well-formed number nobody holds is simply unknown.
        unheld = numbers.recording_number(2026, bytes(7))
        unknown = (await client.get(f"/api/v1/public/certificates/{unheld}")).json()
        assert unknown["valid"] is False and unknown["reason"] == UNKNOWN

        too_long = await client.get("/api/v1/public/certificates/" + "L" * 65)
        assert too_long.status_code == 422 and too_long.json()["field"] == "recording_number"


async def test_a_bad_qr_payload_is_named_in_plain_words(sqlite_url: str) -> None:
    async with running(sqlite_url) as (_, client):
        r = await client.post("/api/v1/public/qr/verify", json={"qr_payload": "eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.c2ln"})
        assert r.status_code == 200 and r.json()["valid"] is False
        assert "Signature verification failed" not in r.text and "Invalid" not in r.text
