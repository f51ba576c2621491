from __future__ import annotations

from datetime import date

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.lpjk_mock.domain import qr

CLAIMS = qr.claims(recording_number="LPJK-2026-00000001", skk_number="SI012022.4.2026.0000001",
                   holder_name_masked="B*** S******", jabatan_kerja_code="SI012022",
                   valid_from=date(2026, 1, 2), valid_until=date(2031, 1, 1))


def test_the_dev_key_is_deterministic_and_signatures_verify() -> None:
    key = qr.dev_signing_key()
    assert qr.public_pem(key.public_key()) == qr.public_pem(qr.dev_signing_key().public_key())
    token = qr.sign(CLAIMS, key, "k1")
    assert token == qr.sign(CLAIMS, key, "k1")  # Ed25519 is deterministic: same record, same payload
    check = qr.verify(token, {"k1": key.public_key()})
    assert check.valid and check.key_id == "k1" and check.claims is not None
    assert check.claims["rn"] == "LPJK-2026-00000001" and check.claims["iss"] == "LPJK"
    assert len(token) < 400  # compact enough for a small QR code


def test_extract_token_from_a_url_or_bare() -> None:
    assert qr.extract_token(" a.b.c ") == "a.b.c"
    assert qr.extract_token("https://lpjk.example/api/v1/public/certificates/X?qr=a.b.c&x=1") == "a.b.c"
    assert qr.extract_token("https://lpjk.example/api/v1/public/certificates/X") == ""


def test_every_way_a_payload_can_be_wrong() -> None:
    key = qr.dev_signing_key()
    keys = {"k1": key.public_key()}
    token = qr.sign(CLAIMS, key, "k1")
    assert qr.verify("", keys).reason is not None
    assert not qr.verify("garbage", keys).valid
    assert qr.verify(token, {}).reason == "unknown key id 'k1'"
    assert qr.verify(token, {"k1": Ed25519PrivateKey.generate().public_key()}).reason == "bad signature"
    no_kid = jwt.encode(CLAIMS, key, algorithm="EdDSA")
    assert not qr.verify(no_kid, keys).valid
    other_issuer = qr.sign({**CLAIMS, "iss": "BNSP"}, key, "k1")
    assert not qr.verify(other_issuer, keys).valid
    assert qr.verify(other_issuer, keys).reason == "not issued by LPJK"  # plain words, not PyJWT's
    partial = qr.sign({k: v for k, v in CLAIMS.items() if k != "skk"}, key, "k1")
    assert "skk" in (qr.verify(partial, keys).reason or "")
