"""Signatures made and checked in worker threads at the same time, in a process that has not yet
used the asn1crypto classes involved (a fresh LSP after a restart).

asn1crypto sets a class up on first use by assigning an empty name table and then filling it; a
second thread constructing the class meanwhile finds "sha256" missing and fails (the chaos test
met it: HTTP 500 on an acceptance, two forms signed at once). The set-up is made to wait here
until the other thread has had its chance, so the race is hit every time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest
from asn1crypto import algos, core

from services.lsp.issuance.pdf import CertificateData, render_certificate
from services.lsp.issuance.signing import dev_identity, sign_pdf_blocking
from shared.certificate_pdf import check_signature

LSP_NAME = "LSP Konstruksi A (dev)"


class _HeldSetup(dict[str, str]):
    """A class's OID names whose first walk (asn1crypto's set-up) waits until ``release`` is set,
    or a second at most: the window in which another thread sees the table half built."""

    def __init__(self, names: dict[str, str]) -> None:
        super().__init__(names)
        self.entered = threading.Event()
        self.release = threading.Event()

    def items(self) -> Iterator[tuple[str, str]]:  # type: ignore[override]
        if not self.entered.is_set():
            self.entered.set()
            self.release.wait(timeout=1.0)
        yield from super().items()


@pytest.fixture
def fresh_digest_names(monkeypatch: pytest.MonkeyPatch) -> _HeldSetup:
    # Set up once the normal way first, so that what monkeypatch puts back is a set-up class.
    algos.DigestAlgorithmId("sha256")
    held = _HeldSetup(algos.DigestAlgorithmId._map)
    monkeypatch.setattr(algos.DigestAlgorithmId, "_map", held)
    monkeypatch.setattr(algos.DigestAlgorithmId, "_reverse_map", None)
    monkeypatch.delitem(core._SETUP_CLASSES, algos.DigestAlgorithmId, raising=False)
    return held


def _pdf() -> bytes:
    return render_certificate(CertificateData(
        full_name="Siti Nurhaliza Putri", nik="3171011708450001", klasifikasi_code="SI",
        subklasifikasi_code="SI01", jabatan_kerja_code="SI011002", kualifikasi="Ahli", jenjang=7,
        lsp_code="LSP-A", lsp_name=LSP_NAME, skk_number="SI011002.7.2026.0000007",
        registration_number="BNSP/LSP-A/2026/0000007", recording_number="LPJK-2026-00000007",
        issued_on=date(2026, 3, 2), valid_until=date(2031, 3, 1),
        verification_url="http://127.0.0.1:8004/api/v1/public/certificates/LPJK-2026-00000007"))


def _both(held: _HeldSetup, work: Any) -> list[Any]:
    """``work`` in two threads: the second starts once the first is inside the class's set-up."""
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(work)
        assert held.entered.wait(timeout=30), "the first thread never set the class up"
        second = pool.submit(work)
        try:
            return [second.result(timeout=60), first.result(timeout=60)]
        finally:
            held.release.set()


def test_two_pdfs_signed_at_once_by_a_fresh_process_are_both_signed(fresh_digest_names: _HeldSetup) -> None:
    identity = dev_identity("LSP-A", LSP_NAME)
    pdf = _pdf()
    signed = _both(fresh_digest_names, lambda: sign_pdf_blocking(pdf, identity, lsp_name=LSP_NAME))
    for out in signed:
        check = check_signature(out)
        assert check.present and check.intact and check.valid


@pytest.fixture(scope="module")
def signed_pdf() -> bytes:
    return sign_pdf_blocking(_pdf(), dev_identity("LSP-A", LSP_NAME), lsp_name=LSP_NAME)


def test_two_signatures_checked_at_once_by_a_fresh_process_are_both_valid(
        signed_pdf: bytes, fresh_digest_names: _HeldSetup) -> None:
    checks = _both(fresh_digest_names, lambda: check_signature(signed_pdf))
    assert all(c.present and c.intact and c.valid for c in checks), checks


def test_the_class_is_left_as_it_was() -> None:
    # The fixtures above put asn1crypto back: later signatures in this process still work.
    assert algos.DigestAlgorithmId("sha256").dotted == "2.16.840.1.101.3.4.2.1"


def test_a_worker_thread_signs_on_one_loop_of_its_own() -> None:
    from services.lsp.issuance import signing

    identity, pdf = dev_identity("LSP-A", LSP_NAME), _pdf()

    def twice() -> tuple[Any, Any, list[bytes]]:
        first = sign_pdf_blocking(pdf, identity, lsp_name=LSP_NAME)
        loop = signing._THREAD_LOOP.loop
        second = sign_pdf_blocking(pdf, identity, lsp_name=LSP_NAME)
        return loop, signing._THREAD_LOOP.loop, [first, second]

    with ThreadPoolExecutor(2) as pool:
        one, other = pool.submit(twice).result(timeout=60), pool.submit(twice).result(timeout=60)
    assert one[0] is one[1] and not one[0].is_running()  # kept between signatures, idle after
    assert other[0] is other[1]
    for out in one[2] + other[2]:
        check = check_signature(out)
        assert check.present and check.intact and check.valid
