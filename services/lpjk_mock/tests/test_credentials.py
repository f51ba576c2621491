"""Issue 16, what a verifier downloads from LPJK to check certificates itself: the signed status
lists (bits decoded), the signed credential (verified with keys taken from the trust list), the
trust list (dev LSP certificates, configured ones, key rotation with overlap), the published
JSON schemas, caching (ETag, 304), the shared throttle, and the QR payload's size."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import jwt
import pytest
import segno
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from services.lpjk_mock.db.models import SkkRecord
from services.lpjk_mock.tests.helpers import NIK, auth, qr_claims, record_body, running
from shared.credentials import (
    MEDIA_TYPE,
    STATUS_LIST_SIZE,
    VC_CONTEXT,
    CredentialError,
    TrustList,
    bit_at,
    decode_bits,
    verify_credential,
)
from shared.devdefaults import DEV_LSPS
from shared.devpdf import dev_certificate_pem
from shared.tests.operators import create_operator_session

SCHEMAS = Path(__file__).resolve().parents[3] / "docs" / "schemas"
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def _schema(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=FORMATS)


async def _record(client: httpx.AsyncClient, n: int) -> dict[str, Any]:
    r = await client.post("/api/v1/records", json=record_body(f"SI012022.4.2026.{n:07d}", f"app-{n}"),
                          headers=auth())
    assert r.status_code == 201, r.text
    return dict(r.json())


async def _trust(client: httpx.AsyncClient) -> TrustList:
    r = await client.get("/api/v1/public/trust-list")
    assert r.status_code == 200 and r.headers["cache-control"] == "public, max-age=300"
    return TrustList.model_validate_json(r.text)


async def _indexes(app: Any) -> dict[str, int]:
    async with app.state.runtime.sessions() as s:
        return {r.recording_number: r.status_list_index for r in (await s.execute(select(SkkRecord))).scalars()}


async def test_status_lists_carry_the_revoked_and_the_suspended(sqlite_url: str) -> None:
    async with running(sqlite_url, public_url="https://lpjk.example.id") as (app, client):
        recs = [await _record(client, n) for n in range(1, 5)]
        op = await create_operator_session(client, "lpjk")
        revoked, suspended, reinstated, active = (r["recording_number"] for r in recs)
        await client.post(f"/api/v1/records/{revoked}/revocation", json={"reason": "palsu"}, headers=op)
        await client.post(f"/api/v1/records/{suspended}/suspension", json={"reason": "x"}, headers=op)
        await client.post(f"/api/v1/records/{reinstated}/suspension", json={"reason": "x"}, headers=op)
        await client.post(f"/api/v1/records/{reinstated}/reinstatement", json={"reason": "x"}, headers=op)
        index = await _indexes(app)
        assert len(set(index.values())) == 4

        keys = (await _trust(client)).ed25519_keys("status_list")
        validator = _schema("bitstring-status-list.schema.json")
        expected = {"revocation": {revoked}, "suspension": {suspended}}
        for purpose, set_for in expected.items():
            r = await client.get(f"/api/v1/public/status-lists/{purpose}")
            assert r.status_code == 200, r.text
            assert r.headers["content-type"] == MEDIA_TYPE
            assert r.headers["cache-control"] == "public, max-age=300" and r.headers["etag"]
            kid, doc = verify_credential(r.text, keys)
            assert kid == "lpjk-dev-1" and jwt.get_unverified_header(r.text)["typ"] == "vc+jwt"
            validator.validate(doc)
            url = f"https://lpjk.example.id/api/v1/public/status-lists/{purpose}"
            assert doc["id"] == url and doc["issuer"] == "https://lpjk.example.id"
            assert doc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
            assert doc["credentialSubject"]["id"] == url + "#list"
            assert doc["credentialSubject"]["statusPurpose"] == purpose
            valid_from = datetime.fromisoformat(doc["validFrom"])
            assert (datetime.fromisoformat(doc["validUntil"]) - valid_from).days == 1
            assert valid_from <= datetime.now(UTC)
            bits = decode_bits(doc["credentialSubject"]["encodedList"])
            assert len(bits) * 8 == STATUS_LIST_SIZE
            assert {rn for rn, i in index.items() if bit_at(bits, i)} == set_for
            assert sum(bin(b).count("1") for b in bits) == 1

            # Cached: the same bytes again, 304 for the holder of the ETag.
            again = await client.get(f"/api/v1/public/status-lists/{purpose}")
            assert again.text == r.text and again.headers["etag"] == r.headers["etag"]
            cached = await client.get(f"/api/v1/public/status-lists/{purpose}",
                                      headers={"If-None-Match": r.headers["etag"]})
            assert cached.status_code == 304 and cached.content == b""
            assert cached.headers["cache-control"] == "public, max-age=300"
            stale = await client.get(f"/api/v1/public/status-lists/{purpose}", headers={"If-None-Match": '"old"'})
            assert stale.status_code == 200

        # A change of a bit changes the list (and its ETag).
        before = await client.get("/api/v1/public/status-lists/suspension")
        await client.post(f"/api/v1/records/{active}/suspension", json={"reason": "x"}, headers=op)
        after = await client.get("/api/v1/public/status-lists/suspension",
                                 headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
        bits = decode_bits(verify_credential(after.text, keys)[1]["credentialSubject"]["encodedList"])
        assert bit_at(bits, index[active]) and bit_at(bits, index[suspended])

        unknown = await client.get("/api/v1/public/status-lists/expiry")
        assert unknown.status_code == 404 and unknown.json()["field"] == "purpose"
        assert unknown.headers["cache-control"] == "no-store"


async def test_the_credential_verifies_with_the_trust_list_and_points_into_the_status_lists(sqlite_url: str) -> None:
    async with running(sqlite_url, public_url="https://lpjk.example.id") as (app, client):
        rec = await _record(client, 1)
        rn = rec["recording_number"]
        r = await client.get(f"/api/v1/public/credentials/{rn}")
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == MEDIA_TYPE and r.headers["cache-control"] == "public, max-age=300"
        trust = await _trust(client)
        kid, vc = verify_credential(r.text, trust.ed25519_keys("credential"))
        assert kid == "lpjk-dev-1"
        _schema("skk-credential.schema.json").validate(vc)
        assert vc["@context"] == [VC_CONTEXT] and vc["type"] == ["VerifiableCredential", "SkkCredential"]
        assert vc["id"] == f"https://lpjk.example.id/api/v1/public/credentials/{rn}"
        assert vc["issuer"] == "https://lpjk.example.id"
        assert vc["validFrom"] == f"{rec['issued_on']}T00:00:00+07:00"
        assert vc["validUntil"] == f"{rec['valid_until']}T23:59:59+07:00"
        subject = vc["credentialSubject"]
        assert subject["nameMasked"] == "B*** S******" and subject["nikMasked"] == "317101********01"
        assert NIK not in r.text and NIK not in json.dumps(vc) and "Budi" not in json.dumps(vc)
        assert subject["achievement"] == {
            "type": "SkkAchievement", "skkNumber": rec["skk_number"], "recordingNumber": rn,
            "registrationNumber": rec["registration_number"], "klasifikasi": "SI", "subklasifikasi": "SI01",
            "jabatanKerja": {"code": "SI012022", "name": "Juru Gambar Bangunan Gedung"},
            "kualifikasi": "Teknisi/Analis", "jenjang": 4, "lspCode": "LSP-A"}
        index = (await _indexes(app))[rn]
        # The QR payload carries the same index (claim si) for an offline verifier.
        assert qr_claims(rec["qr_payload"])["si"] == index
        entries = {e["statusPurpose"]: e for e in vc["credentialStatus"]}
        for purpose in ("revocation", "suspension"):
            assert entries[purpose]["statusListIndex"] == str(index)
            assert entries[purpose]["type"] == "BitstringStatusListEntry"
            list_url = entries[purpose]["statusListCredential"]
            assert list_url == f"https://lpjk.example.id/api/v1/public/status-lists/{purpose}"

        # Revoked: the credential still verifies; its bit in the revocation list says revoked.
        op = await create_operator_session(client, "lpjk")
        await client.post(f"/api/v1/records/{rn}/revocation", json={"reason": "palsu"}, headers=op)
        still = await client.get(f"/api/v1/public/credentials/{rn}")
        assert verify_credential(still.text, trust.ed25519_keys("credential"))[1] == vc
        status_list = (await client.get("/api/v1/public/status-lists/revocation")).text
        bits = decode_bits(verify_credential(status_list, trust.ed25519_keys("status_list"))[1]
                           ["credentialSubject"]["encodedList"])
        assert bit_at(bits, int(entries["revocation"]["statusListIndex"]))

        # Tampered: one character of the payload changed.
        head, payload, sig = r.text.split(".")
        i = len(payload) // 2
        forged = ".".join((head, payload[:i] + ("A" if payload[i] != "A" else "B") + payload[i + 1:], sig))
        with pytest.raises(CredentialError):
            verify_credential(forged, trust.ed25519_keys("credential"))

        for number in ("LPJK-2026-7KD3-M9QX-2HZ4", "not-a-number"):
            missing = await client.get(f"/api/v1/public/credentials/{number}")
            assert missing.status_code == 404 and missing.json()["field"] == "recording_number"
            assert missing.headers["content-type"].startswith("application/problem+json")


async def test_credentials_share_the_verification_allowance(sqlite_url: str) -> None:
    async with running(sqlite_url, public_verification_limits="3/minute") as (_, client):
        rn = (await _record(client, 1))["recording_number"]
        assert (await client.get(f"/api/v1/public/certificates/{rn}")).status_code == 200
        assert (await client.get(f"/api/v1/public/credentials/{rn}")).status_code == 200
        assert (await client.get(f"/api/v1/public/credentials/{rn}")).status_code == 200
        throttled = await client.get(f"/api/v1/public/credentials/{rn}")
        assert throttled.status_code == 429 and throttled.headers["retry-after"]
        assert throttled.json()["field"] == "recording_number"
        assert (await client.get(f"/api/v1/public/certificates/{rn}")).status_code == 429
        # The lists and the trust list are not lookups of a certificate: never throttled.
        assert (await client.get("/api/v1/public/status-lists/revocation")).status_code == 200
        assert (await client.get("/api/v1/public/trust-list")).status_code == 200


async def test_the_dev_trust_list_names_lpjk_and_the_dev_lsps(sqlite_url: str) -> None:
    async with running(sqlite_url) as (_, client):
        r = await client.get("/api/v1/public/trust-list")
        trust = TrustList.model_validate_json(r.text)
        cached = await client.get("/api/v1/public/trust-list", headers={"If-None-Match": r.headers["etag"]})
        assert cached.status_code == 304
        lpjk = [k for k in trust.keys if k.owner == "LPJK"]
        assert [(k.kid, k.status, k.purposes, k.kty, k.crv) for k in lpjk] == [
            ("lpjk-dev-1", "active", ["qr", "credential", "status_list"], "OKP", "Ed25519")]
        pdf = {k.owner: k for k in trust.keys if k.purposes == ["pdf"]}
        assert set(pdf) == set(DEV_LSPS)
        for code, key in pdf.items():
            # The very certificate the dev LSP signs its e-certificates with (shared/devpdf.py).
            assert key.certificate_pem == dev_certificate_pem(code, str(DEV_LSPS[code]["name"]))
            assert key.status == "active" and key.kid.startswith(f"{code}:pdf:")
            assert key.valid_from == datetime(2025, 1, 1, tzinfo=UTC)
        assert trust.certificates("pdf") == {k.kid: k.certificate_pem for k in pdf.values()}
        from services.lsp.issuance.signing import dev_identity

        assert pdf["LSP-A"].certificate_pem == dev_identity("LSP-A", "LSP Konstruksi A (dev)").cert_pem.decode()


async def test_configured_lsp_certificates_replace_the_dev_ones(sqlite_url: str) -> None:
    pem = dev_certificate_pem("LSP-Z", "LSP Zeta")
    async with running(sqlite_url, lsp_pdf_certificates={"LSP-Z": pem}) as (_, client):
        trust = await _trust(client)
        assert [(k.owner, k.certificate_pem) for k in trust.keys if k.purposes == ["pdf"]] == [("LSP-Z", pem)]


def _pem(key: Ed25519PrivateKey) -> tuple[str, str]:
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


async def test_a_credential_signed_by_a_retired_key_still_verifies(sqlite_url: str) -> None:
    key1, key2 = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    (priv1, pub1), (priv2, _) = _pem(key1), _pem(key2)
    async with running(sqlite_url, qr_signing_key_pem=priv1, qr_key_id="lpjk-2026",
                       qr_key_valid_from="2026-01-01T00:00:00Z") as (_, client):
        rn = (await _record(client, 1))["recording_number"]
        old_credential = (await client.get(f"/api/v1/public/credentials/{rn}")).text
        first = await _trust(client)
        assert [(k.kid, k.status, k.valid_from) for k in first.keys if k.owner == "LPJK"] == [
            ("lpjk-2026", "active", datetime(2026, 1, 1, tzinfo=UTC))]
    async with running(sqlite_url, qr_signing_key_pem=priv2, qr_key_id="lpjk-2027",
                       qr_retired_public_keys={"lpjk-2026": pub1},
                       qr_retired_key_validity={"lpjk-2026": "2026-01-01/2026-12-31"}) as (_, client):
        trust = await _trust(client)
        lpjk = {k.kid: k for k in trust.keys if k.owner == "LPJK"}
        assert (lpjk["lpjk-2027"].status, lpjk["lpjk-2026"].status) == ("active", "retired")
        assert lpjk["lpjk-2026"].valid_until == datetime(2026, 12, 31, tzinfo=UTC)
        assert lpjk["lpjk-2026"].valid_from == datetime(2026, 1, 1, tzinfo=UTC)
        kid, vc = verify_credential(old_credential, trust.ed25519_keys("credential"))
        assert kid == "lpjk-2026" and vc["credentialSubject"]["achievement"]["recordingNumber"] == rn
        new = (await client.get(f"/api/v1/public/credentials/{rn}")).text
        assert verify_credential(new, trust.ed25519_keys("credential"))[0] == "lpjk-2027"
        # Without the retired key the old credential names its unknown key.
        with pytest.raises(CredentialError, match="unknown key id 'lpjk-2026'"):
            verify_credential(old_credential, {"lpjk-2027": key2.public_key()})


def test_a_malformed_retired_key_validity_is_refused() -> None:
    from services.lpjk_mock.settings import LpjkSettings

    with pytest.raises(ValueError, match="from/until"):
        LpjkSettings(qr_retired_key_validity={"k": "2026-01-01"})
    with pytest.raises(ValueError, match="from/until"):
        LpjkSettings(qr_retired_key_validity={"k": "soon/later"})


async def test_the_qr_payload_stays_short(sqlite_url: str) -> None:
    """Measured (issue 16): the compact payload is 249 characters (166 bytes) and the verification
    URL (on https://lpjk.pu.go.id) 273, a version 10-M QR code in alphanumeric mode (the JWS made
    16-M); domain/tests/test_qr_compact.py bounds the seed's longest names at version 10 too."""
    async with running(sqlite_url, public_url="https://lpjk.pu.go.id") as (_, client):
        rec = await _record(client, 1)
        assert set(qr_claims(rec["qr_payload"])) == {"iss", "rn", "skk", "nm", "jk", "vf", "vu", "si"}
        assert rec["verification_url"] == f"HTTPS://LPJK.PU.GO.ID/V/{rec['qr_payload']}"
        code = segno.make_qr(rec["verification_url"], error="m", mask=0, boost_error=False)
        assert code.mode == "alphanumeric" and int(code.version) <= 10, (len(rec["verification_url"]), code.version)
