"""The compact QR payload (COSE_Sign1 over CBOR claims, URL-safe base45 variant): round trip, the
RFC 9052 structure checked by hand, every way it can be wrong, and the QR version it makes."""

from __future__ import annotations

import hashlib
import os
from datetime import date

import cbor2
import pytest
import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from faker.providers.person.id_ID import Provider as IndonesianNames

from services.lpjk_mock.domain import numbers, qr, qr_compact

KID = "lpjk-2026-1"
NUMBER = numbers.recording_number(2026, bytes(range(1, 8)))
CLAIMS = qr.claims(recording_number=NUMBER, skk_number="SI012022.4.2026.0000042",
                   holder_name_masked="B*** S******", jabatan_kerja_code="SI012022",
                   valid_from=date(2026, 3, 2), valid_until=date(2031, 3, 1), status_list_index=70_123)


def keys() -> dict[str, object]:
    return {KID: qr.dev_signing_key().public_key()}


def signed(claims: dict[str, object] = CLAIMS, kid: str = KID) -> str:
    return qr.sign_compact(dict(claims), qr.dev_signing_key(), kid)


def test_a_round_trip_gives_back_the_claims_as_the_jws_has_them() -> None:
    text = signed()
    assert text == signed()  # Ed25519 is deterministic: same record, same QR code
    check = qr.verify(text, {KID: qr.dev_signing_key().public_key()})
    assert check.valid and check.key_id == KID and check.claims == CLAIMS
    # Through the URL too, written in any case (a reader may lower-case it), percent-escaped or not.
    url = qr_compact.url("https://lpjk.example.go.id", text)
    assert url == f"HTTPS://LPJK.EXAMPLE.GO.ID/V/{text}"
    for form in (url, url.lower(), url.replace("$", "%24"), f" {text} "):
        assert qr.verify(form, {KID: qr.dev_signing_key().public_key()}).claims == CLAIMS


def test_claims_other_than_the_usual_shapes_are_written_out() -> None:
    # An old-format number, a jabatan kerja that is not the SKK number's first part, no status index.
    odd = {**CLAIMS, "rn": "LPJK-2026-00000042", "jk": "SI022022"}
    del odd["si"]
    check = qr.verify(signed(odd), {KID: qr.dev_signing_key().public_key()})
    assert check.valid and check.claims == odd


def test_it_is_a_cose_sign1_any_cose_library_verifies() -> None:
    """RFC 9052 by hand: tag 18, [protected, unprotected, payload, signature], alg EdDSA (-8) and
    the kid in the protected header, Ed25519 over ["Signature1", protected, h'', payload]."""
    message = cbor2.loads(qr_compact.decode_text(signed()))
    assert isinstance(message, cbor2.CBORTag) and message.tag == 18
    protected, unprotected, payload, signature = message.value
    assert cbor2.loads(protected) == {1: -8, 4: KID.encode()} and dict(unprotected) == {}
    to_be_signed = cbor2.dumps(["Signature1", protected, b"", payload])
    qr.dev_signing_key().public_key().verify(signature, to_be_signed)  # raises if not
    claims = cbor2.loads(payload)
    assert claims[1] == "LPJK" and claims[-1] == NUMBER.removeprefix("LPJK-").replace("-", "")
    assert claims[-5] == (date(2026, 3, 2) - date(1970, 1, 1)).days and claims[-7] == 70_123
    assert -4 not in claims  # the jabatan kerja is the SKK number's first part


def test_the_structure_matches_the_cose_working_groups_example() -> None:
    """cose-wg/Examples eddsa-examples/eddsa-sig-02.json (a COSE_Sign1, EdDSA over Ed448, kid in the
    unprotected header): its to-be-signed bytes are ours for the same input, and its signature
    verifies over what open_sign1 reads from its message."""
    from cryptography.hazmat.primitives.asymmetric.ed448 import Ed448PublicKey

    to_be_signed = "846A5369676E61747572653143A101274054546869732069732074686520636F6E74656E742E"
    assert qr_compact._to_be_signed(bytes.fromhex("A10127"), b"This is the content.").hex().upper() == to_be_signed
    message = bytes.fromhex(
        "D28443A10127A10445336434343854546869732069732074686520636F6E74656E742E5872988240A3A2F189BD486DE14AA7"
        "7F54686C576A09F2E7ED9BAE910DF9139C2AC3BE7C27B7E10A20FA17C9D57D3510A2CF1F634BC0345AB9BE00849842171D1E"
        "9E98B2674C0E38BFCF6C557A1692B01B71015A47AC9F7748840CAD1DA80CBB5B349309FEBB912672B377C8B2072AF1598B3700")
    kid, alg, protected, payload, signature = qr_compact.open_sign1(qr_compact.encode_text(message))
    assert (kid, alg, payload) == ("3d448", -8, b"This is the content.")
    key = Ed448PublicKey.from_public_bytes(bytes.fromhex(
        "5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778edf124769b46c7061bd6783df1e50f6cd1fa1a"
        "beafe8256180"))
    key.verify(signature, qr_compact._to_be_signed(protected, payload))  # raises if not


def test_the_text_is_rfc_9285s_scheme_in_radix_42_and_url_safe() -> None:
    assert qr_compact.encode_text(b"AB") == "WJ9"  # 0x4142 = 16706 = 32 + 19*42 + 9*42**2 (base45: "BB8")
    assert qr_compact.encode_text(b"\xff") == "36" and qr_compact.encode_text(b"") == ""
    for size in range(40):
        data = os.urandom(size)
        text = qr_compact.encode_text(data)
        assert qr_compact.decode_text(text) == data and len(text) == size // 2 * 3 + size % 2 * 2
        assert not set(text) & set(" %/abcdefghijklmnopqrstuvwxyz")
    for bad in ("A", "ABCD", "AB%", ":::", "ab c"):  # a length of 3n+1, a stranger, more than 65535
        with pytest.raises(qr_compact.Malformed):
            qr_compact.decode_text(bad)


def test_a_tampered_payload_has_a_bad_signature() -> None:
    message = cbor2.loads(qr_compact.decode_text(signed()))
    protected, _, payload, signature = message.value
    claims = dict(cbor2.loads(payload))
    claims[-6] += 3650  # ten more years of validity
    forged = cbor2.dumps(cbor2.CBORTag(18, [protected, {}, cbor2.dumps(claims), signature]))
    check = qr.verify(qr_compact.encode_text(forged), {KID: qr.dev_signing_key().public_key()})
    assert not check.valid and check.reason == "bad signature" and check.key_id == KID
    # Another key's signature under LPJK's kid.
    other = qr.sign_compact(dict(CLAIMS), Ed25519PrivateKey.generate(), KID)
    assert qr.verify(other, {KID: qr.dev_signing_key().public_key()}).reason == "bad signature"


def test_every_other_way_it_can_be_wrong() -> None:
    lpjk = {KID: qr.dev_signing_key().public_key()}
    assert qr.verify(signed(kid="lpjk-rogue"), lpjk).reason == "unknown key id 'lpjk-rogue'"
    assert qr.verify(signed({**CLAIMS, "iss": "BNSP"}), lpjk).reason == "not issued by LPJK"
    assert qr.verify(signed(), lpjk).valid
    # Another algorithm named in the protected header (the signature still Ed25519).
    protected = cbor2.dumps({1: -7, 4: KID.encode()})
    payload = cbor2.dumps(qr_compact.to_map(CLAIMS))
    sig = qr.dev_signing_key().sign(cbor2.dumps(["Signature1", protected, b"", payload]))
    es256 = qr_compact.encode_text(cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, sig])))
    assert qr.verify(es256, lpjk).reason == "unexpected algorithm -7"
    # Claims missing, or of the wrong type, under a good signature.
    for claims, reason in (({1: "LPJK", -2: "SI012022.4.2026.0000042"}, "QR payload lacks claims rn, nm, vf, vu"),
                           ({**qr_compact.to_map(CLAIMS), -5: "2026-03-02"}, "malformed QR payload")):
        payload = cbor2.dumps(claims)
        protected = cbor2.dumps({1: -8, 4: KID.encode()})
        sig = qr.dev_signing_key().sign(cbor2.dumps(["Signature1", protected, b"", payload]))
        text = qr_compact.encode_text(cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, sig])))
        assert qr.verify(text, lpjk).reason == reason


@pytest.mark.parametrize("data", [b"", b"\x00", cbor2.dumps([1, 2, 3]), cbor2.dumps(cbor2.CBORTag(17, [])),
                                  b"\x81" * 5000, cbor2.dumps([b"\xa0", {}, b"", b""]),
                                  hashlib.sha512(b"noise").digest() * 3, cbor2.dumps([b"", {4: 7}, b"", b""])])
def test_hostile_bytes_are_an_answer_not_an_error(data: bytes) -> None:
    check = qr.verify(qr_compact.encode_text(data) or "0", {KID: qr.dev_signing_key().public_key()})
    assert not check.valid and check.reason is not None


def test_the_jws_of_certificates_issued_before_still_verifies() -> None:
    lpjk = {KID: qr.dev_signing_key().public_key()}
    token = qr.sign(CLAIMS, qr.dev_signing_key(), KID)
    assert qr.is_jws(token) and not qr.is_jws(signed())
    assert qr.verify(token, lpjk).claims == CLAIMS
    assert qr.verify(f"https://lpjk.example.go.id/api/v1/public/certificates/{NUMBER}?qr={token}", lpjk).valid


def _longest_seed_name() -> str:
    """The longest masked name the simulator's seed (Faker id_ID) can produce."""
    firsts = IndonesianNames.first_names_male + IndonesianNames.first_names_female
    lasts = IndonesianNames.last_names_male + IndonesianNames.last_names_female
    name = f"{max(firsts, key=len)} {max(lasts, key=len)}"
    return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())


@pytest.mark.parametrize("public_url", ["https://lpjk.example.go.id", "https://siki.pu.go.id",
                                        "http://127.0.0.1:8004"])
def test_the_qr_code_is_version_10_or_less_in_alphanumeric_mode(public_url: str) -> None:
    """The bound a phone camera reads from print at 52 mm (modules of 0.8 mm); the JWS made 16-17."""
    name = _longest_seed_name()
    assert len(name) >= 23
    claims = {**CLAIMS, "nm": name, "si": 131_071, "skk": "SI012022.9.2026.9999999"}
    url = qr_compact.url(public_url, signed(claims))
    code = segno.make_qr(url, error="m", mask=0, boost_error=False)  # as the LSP draws it
    assert code.mode == "alphanumeric" and int(code.version) <= 10, (len(url), code.version)
