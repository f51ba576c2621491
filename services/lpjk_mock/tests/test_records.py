from __future__ import annotations

import asyncio
import re
from datetime import date, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from services.lpjk_mock.db.models import OutboxEvent, SkkRecord
from services.lpjk_mock.domain import qr, qr_compact
from services.lpjk_mock.settings import LpjkSettings
from services.lpjk_mock.tests.helpers import NIK, auth, qr_claims, qr_compact_kid, record_body, running, tamper
from shared.contracts.events import SKK_RECORDED
from shared.servicekeys import new_private_key_pem
from shared.tests.operators import create_operator_session

# Random, in Crockford base32 with a check symbol (domain.numbers), not a register sequence.
RN_RE = re.compile(r"^LPJK-\d{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


async def _rows(app: Any) -> tuple[list[SkkRecord], list[OutboxEvent]]:
    async with app.state.runtime.sessions() as s:
        records = list((await s.execute(select(SkkRecord))).scalars())
        events = list((await s.execute(select(OutboxEvent).order_by(OutboxEvent.seq))).scalars())
    return records, events


async def test_records_once_with_a_signed_qr_and_stages_the_event(sqlite_url: str) -> None:
    async with running(sqlite_url, public_url="https://lpjk.example.id") as (app, client):
        first = await client.post("/api/v1/records", json=record_body(), headers=auth())
        assert first.status_code == 201, first.text
        body = first.json()
        assert RN_RE.match(body["recording_number"])
        # The compact payload (issue 16) behind a short upper-case URL: an alphanumeric QR code.
        assert body["verification_url"] == f"HTTPS://LPJK.EXAMPLE.ID/V/{body['qr_payload']}"
        assert body["qr_png_base64"]

        # The payload verifies offline with nothing but LPJK's published public key.
        keys = (await client.get("/api/v1/public/keys")).json()["keys"]
        kid, _, protected, payload, signature = qr_compact.open_sign1(body["qr_payload"])
        key = next(k for k in keys if k["kid"] == kid)
        public = serialization.load_pem_public_key(key["public_key_pem"].encode())
        claims = qr_compact.verified_claims(protected, payload, signature, public)  # type: ignore[arg-type]
        assert claims["iss"] == "LPJK"
        assert claims["rn"] == body["recording_number"]
        assert claims["skk"] == "SI012022.4.2026.0000001"
        assert claims["nm"] == "B*** S******"
        assert claims["jk"] == "SI012022"
        assert NIK not in body["qr_payload"] and "Budi" not in str(claims)

        again = await client.post("/api/v1/records", json=record_body(), headers=auth())
        assert again.status_code == 200
        assert again.json()["recording_number"] == body["recording_number"]
        assert again.json()["qr_payload"] == body["qr_payload"]

        records, events = await _rows(app)
        assert len(records) == 1
        assert [e.type for e in events] == [SKK_RECORDED]
        assert events[0].application_id == "app-1"
        assert events[0].payload["recording_number"] == body["recording_number"]
        assert events[0].payload["nik"] == NIK
        assert events[0].payload["skk_number"] == "SI012022.4.2026.0000001"


async def test_a_repeat_with_other_facts_is_refused(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        assert (await client.post("/api/v1/records", json=record_body(), headers=auth())).status_code == 201
        changed = await client.post("/api/v1/records", json=record_body(nik="3171011708450002"), headers=auth())
        assert changed.status_code == 409, changed.text
        assert changed.json()["field"] == "nik"
        assert "3171011708450002" not in changed.text
        other = await client.post("/api/v1/records", json=record_body("SI012022.4.2026.0000002", "app-2"),
                                  headers=auth())
        assert other.status_code == 201
        records, events = await _rows(app)
        assert len(records) == 2 and len(events) == 2
        assert len({r.recording_number for r in records}) == 2


async def test_refuses_bad_callers_and_inconsistent_facts(sqlite_url: str) -> None:
    async with running(sqlite_url) as (app, client):
        assert (await client.post("/api/v1/records", json=record_body())).status_code == 401
        wrong_audience = await client.post("/api/v1/records", json=record_body(), headers=auth(audience="bnsp"))
        assert wrong_audience.status_code == 401
        other = await client.post("/api/v1/records", json=record_body(), headers=auth("lsp:LSP-B"))
        assert other.status_code == 403
        bad = await client.post("/api/v1/records", json=record_body(jenjang=6), headers=auth())
        assert bad.status_code == 422 and bad.json()["field"] == "jenjang"
        dates = await client.post("/api/v1/records", json=record_body(valid_until="2000-01-01"), headers=auth())
        assert dates.status_code == 422 and dates.json()["field"] == "valid_until"
        records, events = await _rows(app)
        assert records == [] and events == []


async def test_verify_certificate_by_recording_number(sqlite_url: str) -> None:
    async with running(sqlite_url) as (_, client):
        rec = (await client.post("/api/v1/records", json=record_body(), headers=auth())).json()
        res = await client.get(f"/api/v1/public/certificates/{rec['recording_number']}")
        assert res.status_code == 200
        v = res.json()
        assert v["valid"] is True and v["revoked"] is False
        assert v["holder_name_masked"] == "B*** S******"
        assert v["jabatan_kerja_code"] == "SI012022"
        assert v["jabatan_kerja_name"] == "Juru Gambar Bangunan Gedung"
        assert v["valid_until"] == rec["valid_until"] and v["issued_on"] == rec["issued_on"]
        assert NIK not in res.text and "Budi" not in res.text

        # The URL the QR code opens (with its signed payload) verifies too; a tampered one does not.
        path = rec["verification_url"].split("://", 1)[1].split("/", 1)[1]
        assert (await client.get("/" + path)).json()["valid"] is True
        tampered = await client.get(f"/api/v1/public/certificates/{rec['recording_number']}",
                                    params={"qr": tamper(rec["qr_payload"], 60)})
        assert tampered.json()["valid"] is False
        assert "signature" in tampered.json()["reason"]

        unknown = await client.get("/api/v1/public/certificates/LPJK-2026-99999999")
        assert unknown.status_code == 200
        assert unknown.json() == {**unknown.json(), "valid": False, "reason": "unknown recording number"}


async def test_verify_qr_payload_offline(sqlite_url: str) -> None:
    async with running(sqlite_url) as (_, client):
        rec = (await client.post("/api/v1/records", json=record_body(), headers=auth())).json()
        bare = (await client.post("/api/v1/public/qr/verify", json={"qr_payload": rec["qr_payload"]})).json()
        assert bare["valid"] is True, bare
        assert bare["recording_number"] == rec["recording_number"]
        assert bare["skk_number"] == rec["skk_number"]
        assert bare["holder_name_masked"] == "B*** S******"
        assert bare["key_id"] == "lpjk-dev-1"
        url = (await client.post("/api/v1/public/qr/verify", json={"qr_payload": rec["verification_url"]})).json()
        assert url["valid"] is True

        for at in (60, len(rec["qr_payload"]) - 30):  # one changed byte in the claims, then in the signature
            res = (await client.post("/api/v1/public/qr/verify",
                                     json={"qr_payload": tamper(rec["qr_payload"], at)})).json()
            assert res["valid"] is False and res["reason"] == "bad signature", at
            assert res["recording_number"] is None  # nothing from an unverified payload is vouched for

        # Signed with another key: under an unknown kid, and under LPJK's own kid; either form.
        intruder = Ed25519PrivateKey.generate()
        claims = qr_claims(rec["qr_payload"])
        for kid, reason in (("intruder", "unknown key id"), ("lpjk-dev-1", "bad signature")):
            for forged in (qr.sign_compact(claims, intruder, kid),
                           jwt.encode(claims, intruder, algorithm="EdDSA", headers={"kid": kid})):
                res = (await client.post("/api/v1/public/qr/verify", json={"qr_payload": forged})).json()
                assert res["valid"] is False and reason in res["reason"], res
        hs = jwt.encode(claims, "s" * 40, algorithm="HS256", headers={"kid": "lpjk-dev-1"})
        res = (await client.post("/api/v1/public/qr/verify", json={"qr_payload": hs})).json()
        assert res["valid"] is False
        res = (await client.post("/api/v1/public/qr/verify", json={"qr_payload": "not a jws"})).json()
        assert res["valid"] is False


async def test_revocation_shows_in_both_verifications(sqlite_url: str) -> None:
    async with running(sqlite_url) as (_, client):
        rec = (await client.post("/api/v1/records", json=record_body(), headers=auth())).json()
        path = f"/api/v1/records/{rec['recording_number']}/revoke"
        assert (await client.post(path, json={"reason": "fraud"})).status_code == 401
        assert (await client.post(path, json={"reason": "fraud"},
                                  headers={"Authorization": "Bearer nope"})).status_code == 401
        ok = await client.post(path, json={"reason": "document fraud"},
                               headers=await create_operator_session(client, "lpjk"))
        assert ok.status_code == 200, ok.text
        v = (await client.get(f"/api/v1/public/certificates/{rec['recording_number']}")).json()
        assert v["valid"] is False and v["revoked"] is True and v["reason"] == "revoked"
        q = (await client.post("/api/v1/public/qr/verify", json={"qr_payload": rec["qr_payload"]})).json()
        assert q["valid"] is False and q["revoked"] is True


async def test_a_configured_key_signs_and_old_keys_still_verify(sqlite_url: str, tmp_path: Any) -> None:
    old = Ed25519PrivateKey.generate()
    new = Ed25519PrivateKey.generate()
    pem = new.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    old_pub = old.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    async with running(sqlite_url, qr_signing_key_pem=pem, qr_key_id="lpjk-2026",
                       qr_retired_public_keys={"lpjk-2025": old_pub}) as (_, client):
        rec = (await client.post("/api/v1/records", json=record_body(), headers=auth())).json()
        assert qr_compact_kid(rec["qr_payload"]) == "lpjk-2026"
        check = qr.verify(rec["qr_payload"], {"lpjk-2026": new.public_key()})
        assert check.valid and check.claims is not None
        keys = {k["kid"] for k in (await client.get("/api/v1/public/keys")).json()["keys"]}
        assert keys == {"lpjk-2026", "lpjk-2025"}
        # Signed by the retired key, in the compact form or as the JWS of the time: still valid.
        for old_token in (qr.sign_compact(check.claims, old, "lpjk-2025"),
                          jwt.encode(check.claims, old, algorithm="EdDSA", headers={"kid": "lpjk-2025"})):
            res = (await client.post("/api/v1/public/qr/verify", json={"qr_payload": old_token})).json()
            assert res["valid"] is True and res["key_id"] == "lpjk-2025"


def test_production_refuses_the_dev_qr_key() -> None:
    with pytest.raises(ValueError, match="SKK_QR_SIGNING_KEY_PEM"):
        # A strong operator token secret ("o" * 40 is itself refused), so only the QR key is at fault.
        LpjkSettings(mode="production", service_signing_key_pem=new_private_key_pem(),
                     operator_jwt_secret="lpjk-op-Hn1Jc5Yd0GeUa7Qf3xVb9Lm2Rt8Kp4Wz6")


async def _concurrent_records(database_url: str) -> None:
    skks = [f"SI012022.4.2026.{i:07d}" for i in range(1, 31)]
    requests = skks + skks[:10] + skks[::3]
    async with running(database_url) as (app, client):
        responses = await asyncio.gather(*[
            client.post("/api/v1/records", json=record_body(skk, f"app-{skk[-3:]}"), headers=auth())
            for skk in requests
        ])
        assert all(r.status_code in (200, 201) for r in responses), [r.text for r in responses if r.status_code >= 300]
        assert sum(r.status_code == 201 for r in responses) == 30
        seen: dict[str, set[tuple[str, str]]] = {}
        for skk, r in zip(requests, responses, strict=True):
            seen.setdefault(skk, set()).add((r.json()["recording_number"], r.json()["qr_payload"]))
        assert all(len(v) == 1 for v in seen.values())
        assert len({next(iter(v))[0] for v in seen.values()}) == 30
        records, events = await _rows(app)
        assert len(records) == 30
        assert sorted(e.payload["skk_number"] for e in events) == sorted(skks)  # one event per record


async def test_recording_is_unique_and_idempotent_under_concurrency_sqlite(sqlite_url: str) -> None:
    await _concurrent_records(sqlite_url)


@pytest.mark.postgres
async def test_recording_is_unique_and_idempotent_under_concurrency_postgres(pg_url: str) -> None:
    await _concurrent_records(pg_url)


def test_validity_dates_are_checked() -> None:
    from services.lpjk_mock.domain.records import validity

    today = date(2026, 6, 1)
    assert validity(today, today + timedelta(days=1), False, today) == (True, None)
    assert validity(today, today + timedelta(days=1), True, today) == (False, "revoked")
    assert validity(today + timedelta(days=1), today + timedelta(days=9), False, today) == (False, "not yet valid")
    assert validity(today - timedelta(days=9), today - timedelta(days=1), False, today) == (False, "expired")


async def test_problem_answers_keep_their_members(sqlite_url: str) -> None:
    async with running(sqlite_url) as (_, client):
        first = (await client.post("/api/v1/records", json=record_body(), headers=auth())).json()
        changed = await client.post("/api/v1/records", json=record_body(full_name="Budi Santosa"), headers=auth())
        assert changed.status_code == 409
        assert changed.headers["content-type"].startswith("application/problem+json")
        assert changed.json()["recording_number"] == first["recording_number"]
        unknown = await client.post("/api/v1/records/LPJK-2026-99999999/revoke", json={"reason": "fraud"},
                                    headers=await create_operator_session(client, "lpjk"))
        assert unknown.status_code == 404
        assert unknown.json()["detail"] == "no SKK recorded as LPJK-2026-99999999"
        denied = await client.post(f"/api/v1/records/{first['recording_number']}/revoke", json={"reason": "fraud"},
                                   headers={"Authorization": "Bearer nope"})
        assert denied.headers["www-authenticate"] == "Bearer"
        assert denied.json()["detail"] == "not a valid operator token of lpjk; log in again"


def test_lpjk_publishes_skk_recorded_and_may() -> None:
    from services.lpjk_mock.events import CONSUMES, PUBLISHES
    from shared.contracts.events import CertificateStatusChanged, SkkRecorded

    assert PUBLISHES == (SkkRecorded, CertificateStatusChanged) and CONSUMES == ()
    assert all(cls.produced_by("lpjk") for cls in PUBLISHES)
