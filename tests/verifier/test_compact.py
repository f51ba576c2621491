"""``skk verify``'s own reader of LPJK's compact QR payload (scripts/verify/compact.py), against the
COSE working group's example and LPJK's writer, and on hostile input."""

from __future__ import annotations

import hashlib
import os

import pytest
from cryptography.hazmat.primitives.asymmetric.ed448 import Ed448PublicKey

from scripts.verify import compact
from services.lpjk_mock.domain import qr_compact
from tests.verifier import support as s

# cose-wg/Examples eddsa-examples/eddsa-sig-02.json: a COSE_Sign1 (EdDSA, Ed448), kid unprotected.
COSE_WG_MESSAGE = (
    "D28443A10127A10445336434343854546869732069732074686520636F6E74656E742E5872988240A3A2F189BD486DE14AA7"
    "7F54686C576A09F2E7ED9BAE910DF9139C2AC3BE7C27B7E10A20FA17C9D57D3510A2CF1F634BC0345AB9BE00849842171D1E"
    "9E98B2674C0E38BFCF6C557A1692B01B71015A47AC9F7748840CAD1DA80CBB5B349309FEBB912672B377C8B2072AF1598B3700")
COSE_WG_KEY = ("5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778edf124769b46c7061bd6783df1e50f6cd1fa1a"
               "beafe8256180")


def test_the_reader_builds_rfc_9052s_to_be_signed_bytes() -> None:
    sign1 = compact.open_sign1(qr_compact.encode_text(bytes.fromhex(COSE_WG_MESSAGE)))
    assert (sign1.kid, sign1.alg, sign1.payload) == ("3d448", -8, b"This is the content.")
    assert sign1.to_be_signed.hex().upper() == (
        "846A5369676E61747572653143A101274054546869732069732074686520636F6E74656E742E")
    Ed448PublicKey.from_public_bytes(bytes.fromhex(COSE_WG_KEY)).verify(sign1.signature, sign1.to_be_signed)


def test_the_reader_agrees_with_lpjks_writer() -> None:
    for size in range(30):
        data = os.urandom(size)
        assert compact._bytes(qr_compact.encode_text(data)) == data
    sign1 = compact.open_sign1(s.qr_token(form="compact"))
    assert sign1.kid == s.KID and sign1.verifies_with(s.lpjk_key().public_key())
    assert not sign1.verifies_with(s.other_key().public_key())
    assert compact.claims(sign1) == {"iss": "LPJK", "rn": s.NUMBER, "skk": s.SKK, "nm": "Bu** San****",
                                     "jk": "SI012022", "vf": s.ISSUED.isoformat(), "vu": s.UNTIL.isoformat(),
                                     "si": s.INDEX}
    url = s.url_of(s.qr_token(form="compact"))
    assert compact.payload_of_url(url) == s.qr_token(form="compact")
    assert compact.payload_of_url(s.url_of(s.qr_token())) is None  # the JWS's URL


@pytest.mark.parametrize("text", ["A", "ABCD", ":::", "0", "00", "ab%", qr_compact.encode_text(b"\x81" * 3000),
                                  qr_compact.encode_text(hashlib.sha512(b"noise").digest() * 2),
                                  qr_compact.encode_text(b"\xd2\x80")])
def test_hostile_text_is_not_compact(text: str) -> None:
    with pytest.raises(compact.NotCompact):
        compact.open_sign1(text)
