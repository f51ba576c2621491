"""``skk fetch-trust`` (LPJK answered by respx: still no socket) and the shared PDF reading that
LPJK's page and the verifier use."""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import pytest
import respx
from PIL import Image

from scripts.skk import main
from services.lpjk_mock.usecases.verification import qr_png
from services.lsp.issuance.pdf import qr_image
from services.lsp.issuance.signing import dev_identity
from shared.certificate_pdf import check_signature, qr_pixels, qr_shows, read_certificate, same_qr
from tests.verifier import support as s

BASE = "https://lpjk.example.go.id"


@pytest.fixture(scope="module")
def genuine_pdf() -> bytes:
    return s.certificate_pdf(s.url_of(s.qr_token(form="compact")))


def _lpjk(router: respx.MockRouter, *, revocation: str | None = None) -> None:
    router.get(f"{BASE}/api/v1/public/trust-list").respond(200, content=s.trust_list().model_dump_json().encode())
    router.get(f"{BASE}/api/v1/public/status-lists/revocation").respond(
        200, text=revocation or s.status_list("revocation", (s.INDEX,)),
        headers={"content-type": "application/vc+jwt"})
    router.get(f"{BASE}/api/v1/public/status-lists/suspension").respond(
        200, text=s.status_list("suspension"), headers={"content-type": "application/vc+jwt"})


def test_fetch_trust_writes_what_verify_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "lpjk"
    with respx.mock(assert_all_called=True) as router:
        _lpjk(router)
        assert main(["fetch-trust", "--lpjk", BASE + "/", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["revocation.jwt", "suspension.jwt", "trust-list.json"]
    capsys.readouterr()
    code = main(["verify", "--trust-list", str(out / "trust-list.json"), "--status-list", str(out / "revocation.jwt"),
                 "--status-list", str(out / "suspension.jwt"), "--qr", s.qr_token(), "--today", "2026-12-03",
                 "--json"])
    assert code == 1 and json.loads(capsys.readouterr().out)["problems"] == ["revoked"]


def test_fetch_trust_refuses_a_status_list_that_does_not_verify(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "lpjk"
    with respx.mock() as router:
        _lpjk(router, revocation=s.status_list("revocation", key=s.other_key()))
        assert main(["fetch-trust", "--lpjk", BASE, "--out", str(out)]) == 2
    assert "does not verify" in capsys.readouterr().err and not out.exists()
    with respx.mock() as router:
        router.get(f"{BASE}/api/v1/public/trust-list").mock(side_effect=httpx.ConnectError("unreachable"))
        assert main(["fetch-trust", "--lpjk", BASE, "--out", str(out)]) == 2
    assert not out.exists()


def test_the_qr_pixels_are_lpjks_and_the_lsps(genuine_pdf: bytes) -> None:
    url = s.url_of(s.qr_token(form="compact"))
    assert url.startswith("HTTPS://LPJK.EXAMPLE.GO.ID/V/")
    png = Image.open(io.BytesIO(qr_png(url))).convert("L")
    assert qr_pixels(url) == (png.size, png.tobytes())
    drawn = qr_image(url).convert("L")
    assert qr_pixels(url) == (drawn.size, drawn.tobytes())
    found = read_certificate(genuine_pdf)
    assert found.verification_url == url and found.recording_number == s.NUMBER
    assert qr_shows(found.qr_pixels, url) and same_qr(found.qr_pixels, qr_png(url))
    assert not qr_shows(found.qr_pixels, url + "x")


def test_check_signature_against_trust_roots(genuine_pdf: bytes) -> None:
    lsp_a = dev_identity("LSP-A", s.LSP_NAME).cert_pem
    lsp_b = dev_identity("LSP-B", s.LSP_NAME).cert_pem
    untrusting = check_signature(genuine_pdf)  # LPJK's page: no roots, the signer only named
    assert untrusting.ok and untrusting.trusted is None and untrusting.signer == "LSP-A e-Sertifikat (dev)"
    assert check_signature(genuine_pdf, [lsp_a.decode()]).trusted is True
    assert check_signature(genuine_pdf, [lsp_a]).ok
    other = check_signature(genuine_pdf, [lsp_b])
    assert other.intact and other.valid and other.trusted is False and not other.ok
    assert check_signature(genuine_pdf, []).trusted is False
