"""``skk verify`` end to end, offline (conftest makes every socket connection raise): a genuine
certificate PDF, QR payload and credential verify; each kind of forgery or bad status is named."""

from __future__ import annotations

import io
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils.generic import pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from scripts.skk import main
from tests.verifier import support as s
from tests.verifier.conftest import NetworkUsed


@pytest.fixture(scope="module")
def genuine_pdf() -> bytes:
    """As LPJK records now: the QR code and the PDF's metadata hold the compact payload's URL."""
    return s.certificate_pdf(s.url_of(s.qr_token(form="compact")))


@pytest.fixture(params=s.FORMS)
def form(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def files(tmp_path: Path) -> s.Files:
    return s.write_inputs(tmp_path / "lpjk")


def verify(capsys: pytest.CaptureFixture[str], files: s.Files, *what: str, lang: str = "id",
           today: str = s.TODAY.isoformat()) -> tuple[int, dict[str, Any]]:
    """Exit status and the JSON answer (the text answer is checked separately)."""
    code = main(["verify", *files.args(), *what, "--today", today, "--json", "--lang", lang])
    return code, json.loads(capsys.readouterr().out)


def pdf_file(tmp_path: Path, data: bytes, name: str = "sertifikat.pdf") -> list[str]:
    path = tmp_path / name
    path.write_bytes(data)
    return ["--pdf", str(path)]


def codes(answer: dict[str, Any], level: str) -> list[str]:
    return [c["code"] for c in answer["checks"] if c["level"] == level]


def test_the_network_is_unreachable_in_these_tests() -> None:
    with pytest.raises(NetworkUsed):
        socket.create_connection(("lpjk.example.go.id", 443), timeout=1)
    with pytest.raises(NetworkUsed), socket.socket() as sock:
        sock.connect(("127.0.0.1", 9))


def test_a_genuine_pdf_is_valid_and_says_why(genuine_pdf: bytes, files: s.Files, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, answer = verify(capsys, files, *pdf_file(tmp_path, genuine_pdf))
    assert code == 0 and answer["valid"] is True and answer["problems"] == []
    assert {"pdf_signature_ok", "pdf_signer_trusted", "payload_in_pdf", "payload_signature_ok", "qr_matches",
            "number_matches", "not_revoked", "not_suspended", "dates_ok"} <= set(codes(answer, "ok"))
    trusted = next(c for c in answer["checks"] if c["code"] == "pdf_signer_trusted")
    assert trusted["params"] == {"owner": "LSP-A", "kid": "LSP-A-pdf-1"}
    assert answer["subject"]["recording_number"] == s.NUMBER and answer["subject"]["skk_number"] == s.SKK

    # The text answer, in Bahasa Indonesia with the English key terms.
    assert main(["verify", *files.args(), *pdf_file(tmp_path, genuine_pdf), "--today", "2026-12-03"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("SAH (VALID)") and "QR matches" in out and "kid LSP-A-pdf-1" in out
    assert "Yang salah" not in out


def test_a_pdf_issued_with_the_jws_still_verifies(files: s.Files, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A certificate drawn before the compact payload: its QR code and metadata the API URL with the JWS."""
    legacy = s.certificate_pdf(s.url_of(s.qr_token(form="jws")))
    code, answer = verify(capsys, files, *pdf_file(tmp_path, legacy))
    assert code == 0, answer["problems"]
    assert {"payload_signature_ok", "qr_matches", "number_matches", "url_matches"} <= set(codes(answer, "ok"))


def test_a_pdf_printed_with_another_number_than_its_payloads(files: s.Files, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    other = s.numbers.recording_number(2026, bytes(range(9, 16)))
    pdf = s.certificate_pdf(s.url_of(s.qr_token(form="compact")), number=other)
    code, answer = verify(capsys, files, *pdf_file(tmp_path, pdf))
    assert code == 1 and answer["problems"] == ["number_mismatch"]


def test_a_byte_changed_after_signing_breaks_the_signature(genuine_pdf: bytes, files: s.Files, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    at = genuine_pdf.index(b"SKK Konstruksi")  # the document information's /Creator, inside the signed bytes
    forged = genuine_pdf[:at] + b"SKK Konstruksx" + genuine_pdf[at + 14:]
    code, answer = verify(capsys, files, *pdf_file(tmp_path, forged))
    assert code == 1 and answer["valid"] is False
    assert "pdf_signature_broken" in answer["problems"]
    main(["verify", *files.args(), *pdf_file(tmp_path, forged), "--today", "2026-12-03", "--lang", "en"])
    out = capsys.readouterr().out
    assert out.startswith("NOT VALID") and "signature is BROKEN" in out and "What is wrong" in out


def test_a_change_appended_after_signing_is_named(genuine_pdf: bytes, files: s.Files, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(genuine_pdf), strict=False)
    info = writer.trailer["/Info"].get_object() if "/Info" in writer.trailer else None
    assert info is not None
    info["/Title"] = pdf_string("SERTIFIKAT PALSU")
    writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)
    code, answer = verify(capsys, files, *pdf_file(tmp_path, out.getvalue()))
    assert code == 1 and "pdf_changed_after_signing" in answer["problems"]


def test_a_pdf_signed_by_an_lsp_not_in_the_trust_list_is_untrusted(files: s.Files, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    stranger = s.certificate_pdf(s.url_of(s.qr_token(form="compact")), lsp_code="LSP-Z")
    code, answer = verify(capsys, files, *pdf_file(tmp_path, stranger))
    assert code == 1 and answer["problems"] == ["pdf_untrusted_signer"]
    # Its QR payload is LPJK's own, genuine: only the signer is wrong.
    assert {"payload_signature_ok", "qr_matches"} <= set(codes(answer, "ok"))


def test_a_qr_code_that_is_not_the_embedded_payloads_is_named(monkeypatch: pytest.MonkeyPatch, files: s.Files,
                                                              tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from services.lsp.issuance import pdf as lsp_pdf
    from shared.certificate_pdf import xmp_metadata

    embedded = s.url_of(s.qr_token(form="compact"))
    monkeypatch.setattr(lsp_pdf, "xmp_metadata", lambda _url: xmp_metadata(embedded))
    # The QR image shows another (genuine) payload.
    drawn = s.certificate_pdf(s.url_of(s.qr_token(si=5, form="compact")))
    code, answer = verify(capsys, files, *pdf_file(tmp_path, drawn))
    assert code == 1 and answer["problems"] == ["qr_mismatch"]


def test_a_revoked_or_suspended_pdf(genuine_pdf: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    revoked = s.write_inputs(tmp_path / "r", revoked=(s.INDEX,))
    code, answer = verify(capsys, revoked, *pdf_file(tmp_path, genuine_pdf))
    assert code == 1 and answer["problems"] == ["revoked"]
    suspended = s.write_inputs(tmp_path / "s", suspended=(s.INDEX, s.INDEX + 1))
    code, answer = verify(capsys, suspended, *pdf_file(tmp_path, genuine_pdf))
    assert code == 1 and answer["problems"] == ["suspended"]
    # Other certificates' bits do not touch this one.
    others = s.write_inputs(tmp_path / "o", revoked=(s.INDEX - 1, s.INDEX + 1), suspended=(0,))
    assert verify(capsys, others, *pdf_file(tmp_path, genuine_pdf))[0] == 0


def test_a_genuine_qr_payload_bare_or_as_its_url(form: str, files: s.Files,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    token = s.qr_token(form=form)
    code, answer = verify(capsys, files, "--qr", token)
    assert code == 0 and answer["subject"] == {
        "recording_number": s.NUMBER, "skk_number": s.SKK, "holder": "Bu** San****", "jabatan_kerja": "SI012022",
        "valid_from": s.ISSUED.isoformat(), "valid_until": s.UNTIL.isoformat()}
    code, answer = verify(capsys, files, "--qr", s.url_of(token))
    assert code == 0
    # The JWS's URL names the recording number (checked); the compact one's carries only the payload.
    assert ("url_matches" in codes(answer, "ok")) == (form == "jws")
    if form == "compact":  # a reader may hand the URL over in lower case
        assert verify(capsys, files, "--qr", s.url_of(token).lower())[0] == 0


def test_a_tampered_compact_payload_has_a_bad_signature(files: s.Files,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    import cbor2

    from services.lpjk_mock.domain import qr_compact

    message = cbor2.loads(qr_compact.decode_text(s.qr_token(form="compact")))
    protected, _, payload, signature = message.value
    claims = dict(cbor2.loads(payload))
    claims[-6] += 8 * 365  # a longer validity, the signature kept
    forged = cbor2.dumps(cbor2.CBORTag(18, [protected, {}, cbor2.dumps(claims), signature]))
    code, answer = verify(capsys, files, "--qr", s.url_of(qr_compact.encode_text(forged)))
    assert code == 1 and answer["problems"] == ["bad_signature"]
    assert "TIDAK SAH (bad signature)" in answer["checks"][-1]["message"]
    code, answer = verify(capsys, files, "--qr", s.LPJK_URL.upper() + "/V/NOT0A0PAYLOAD")
    assert code == 1 and answer["problems"] == ["payload_malformed"]


def test_a_tampered_qr_payload_has_a_bad_signature(files: s.Files, capsys: pytest.CaptureFixture[str]) -> None:
    import base64

    header, _, signature = s.qr_token().split(".")
    genuine = json.loads(base64.urlsafe_b64decode(s.qr_token().split(".")[1] + "=="))
    genuine["vu"] = "2039-03-01"  # a longer validity, the signature kept
    body = base64.urlsafe_b64encode(json.dumps(genuine).encode()).decode().rstrip("=")
    code, answer = verify(capsys, files, "--qr", f"{header}.{body}.{signature}")
    assert code == 1 and answer["problems"] == ["bad_signature"]
    assert "TIDAK SAH (bad signature)" in answer["checks"][-1]["message"]


def test_a_genuine_payload_under_another_number_in_the_url(files: s.Files,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    other = s.numbers.recording_number(2026, bytes(range(9, 16)))
    code, answer = verify(capsys, files, "--qr", s.url_of(s.qr_token(), number=other))
    assert code == 1 and answer["problems"] == ["url_mismatch"]


def test_revoked_suspended_expired_and_not_yet_valid_payloads(form: str, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    token = s.qr_token(form=form)
    both = s.write_inputs(tmp_path / "b", revoked=(s.INDEX,), suspended=(s.INDEX,))
    code, answer = verify(capsys, both, "--qr", token)
    assert code == 1 and answer["problems"] == ["revoked", "suspended"]
    fresh = s.write_inputs(tmp_path / "f")
    code, answer = verify(capsys, fresh, "--qr", token, today="2031-03-02")
    assert code == 1 and answer["problems"] == ["expired"]
    assert "status_list_stale" in answer["warnings"]  # lists dated 2026 judged in 2031
    code, answer = verify(capsys, fresh, "--qr", token, today="2031-03-01")  # the last valid day
    assert code == 0 and answer["warnings"] == ["status_list_stale", "status_list_stale"]
    code, answer = verify(capsys, fresh, "--qr", token, today="2026-03-01")
    assert code == 1 and answer["problems"] == ["not_yet_valid"]


def test_a_stale_status_list_warns_but_does_not_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import UTC, datetime

    old = s.write_inputs(tmp_path / "old", revocation=s.status_list(
        "revocation", valid_until=datetime(2026, 11, 30, tzinfo=UTC)))
    code, answer = verify(capsys, old, "--qr", s.qr_token())
    assert code == 0 and answer["warnings"] == ["status_list_stale"] and answer["problems"] == []


def test_an_unknown_key_or_a_revoked_key(form: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = s.write_inputs(tmp_path / "a")
    code, answer = verify(capsys, files, "--qr", s.qr_token(key=s.other_key(), kid="lpjk-rogue", form=form))
    assert code == 1 and answer["problems"] == ["unknown_key"] and "lpjk-rogue" in answer["checks"][-1]["message"]
    # A known kid whose key does not match: the signature is bad, not the key unknown.
    code, answer = verify(capsys, files, "--qr", s.qr_token(key=s.other_key(), form=form))
    assert code == 1 and answer["problems"] == ["bad_signature"]
    trust = s.trust_list()
    trust.keys[0].status = "revoked"
    revoked_key = s.write_inputs(tmp_path / "b", trust=trust)
    code, answer = verify(capsys, revoked_key, "--qr", s.qr_token(form=form))
    assert code == 1 and "key_revoked" in answer["problems"]


def test_a_payload_without_a_status_index_cannot_be_confirmed(form: str, files: s.Files,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, answer = verify(capsys, files, "--qr", s.qr_token(si=None, form=form))
    assert code == 1 and answer["problems"] == ["status_index_missing"]


def test_status_lists_that_are_not_genuine_or_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    forged = s.write_inputs(tmp_path / "f", revocation=s.status_list("revocation", key=s.other_key()))
    code, answer = verify(capsys, forged, "--qr", s.qr_token())
    assert code == 1 and answer["problems"] == ["status_list_not_genuine", "status_list_missing"]
    files = s.write_inputs(tmp_path / "one")
    code = main(["verify", "--trust-list", str(files.trust), "--status-list", str(files.suspension),
                 "--qr", s.qr_token(), "--json", "--today", "2026-12-03"])
    answer = json.loads(capsys.readouterr().out)
    assert code == 1 and answer["problems"] == ["status_list_missing"]


def test_credentials_genuine_tampered_revoked_unknown_key(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    files = s.write_inputs(tmp_path / "in")
    path = tmp_path / "credential.jwt"

    def run(token: str, inputs: s.Files = files) -> tuple[int, dict[str, Any]]:
        path.write_text(token)
        return verify(capsys, inputs, "--credential", str(path))

    code, answer = run(s.credential())
    assert code == 0, answer
    assert {"credential_signature_ok", "not_revoked", "not_suspended", "dates_ok"} <= set(codes(answer, "ok"))
    assert answer["subject"]["recording_number"] == s.NUMBER and answer["subject"]["holder"] == "Budi Santoso"

    header, _, sig = s.credential().split(".")
    other_body = s.credential(index=5).split(".")[1]
    code, answer = run(f"{header}.{other_body}.{sig}")
    assert code == 1 and answer["problems"] == ["bad_signature"]

    revoked = s.write_inputs(tmp_path / "r", revoked=(s.INDEX,))
    code, answer = run(s.credential(), revoked)
    assert code == 1 and answer["problems"] == ["revoked"]

    code, answer = run(s.credential(key=s.other_key(), kid="someone"))
    assert code == 1 and answer["problems"] == ["unknown_key"]

    code, answer = run("not a credential")
    assert code == 1 and answer["problems"] == ["credential_invalid"]


def test_unusable_input_files_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "trust.json").write_text("{}")
    assert main(["verify", "--trust-list", str(tmp_path / "trust.json"), "--qr", "x"]) == 2
    assert "not an LPJK trust list" in capsys.readouterr().err
    files = s.write_inputs(tmp_path / "in")
    assert main(["verify", *files.args(), "--pdf", str(tmp_path / "missing.pdf")]) == 2
    code, answer = verify(capsys, files, *pdf_file(tmp_path, b"GIF89a not a pdf"))
    assert code == 1 and answer["problems"] == ["unreadable_pdf"]


def test_a_retired_key_verifies_what_it_signed_before_retirement_only(form: str, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import UTC, datetime

    trust = s.trust_list()
    trust.keys[0].status = "retired"
    trust.keys[0].valid_until = datetime(2026, 6, 30, 16, 59, tzinfo=UTC)  # 2026-06-30 23:59 WIB
    files = s.write_inputs(tmp_path / "in", trust=trust)
    assert verify(capsys, files, "--qr", s.qr_token(form=form))[0] == 0  # issued 2026-03-02, before retirement
    code, answer = verify(capsys, files, "--qr", s.qr_token(vf="2026-07-01", form=form))
    assert code == 1 and answer["problems"] == ["key_retired_before"]


def test_a_status_index_outside_the_list(form: str, files: s.Files, capsys: pytest.CaptureFixture[str]) -> None:
    code, answer = verify(capsys, files, "--qr", s.qr_token(si=131_072, form=form))
    assert code == 1 and answer["problems"] == ["status_index_bad", "status_index_bad"]
