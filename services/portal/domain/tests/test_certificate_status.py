"""The certificate status kept inside the application's certificate JSON (issue 16)."""

from __future__ import annotations

import pytest

from services.portal.domain.certificate_status import (
    STATUS_KEYS,
    change_applies,
    is_issued,
    keep_status,
    status_message,
    status_of,
    with_status,
)
from shared.contracts.states import CertificateStatus

C = CertificateStatus
CERT = {"skk_number": "SKK-1", "recording_number": "LPJK-1", "valid_until": "2031-01-01"}


def test_a_certificate_without_a_change_is_active() -> None:
    assert status_of(None) is C.ACTIVE and status_of(CERT) is C.ACTIVE
    assert status_of({**CERT, "status": "revoked"}) is C.REVOKED


@pytest.mark.parametrize(("kept_seq", "seq", "applies"), [
    (None, 1, True), (0, 1, True), (1, 2, True), (1, 5, True), (1, 1, False), (3, 2, False)])
def test_only_a_newer_change_applies(kept_seq: int | None, seq: int, applies: bool) -> None:
    cert = dict(CERT) if kept_seq is None else {**CERT, "status_seq": kept_seq}
    assert change_applies(cert, seq) is applies
    assert change_applies(None, seq) is True


def test_with_status_is_a_new_dict_keeping_the_certificate() -> None:
    cert = dict(CERT)
    changed = with_status(cert, status=C.SUPERSEDED, reason=None, seq=2, superseded_by="LPJK-2")
    assert changed is not cert and cert == CERT  # the ORM sees a new value; the old one untouched
    assert changed == {**CERT, "status": "superseded", "status_reason": None, "status_seq": 2,
                       "superseded_by": "LPJK-2"}
    # A status before the certificate itself: kept, and not taken for an issued certificate.
    early = with_status(None, status=C.SUSPENDED, reason="x", seq=1, superseded_by=None)
    assert not is_issued(early) and is_issued(changed)
    assert set(early) == set(STATUS_KEYS)


def test_keep_status_when_siki_sends_the_certificate_again() -> None:
    early = with_status(None, status=C.REVOKED, reason="SKK palsu", seq=3, superseded_by=None)
    merged = keep_status(early, CERT)
    assert merged == {**CERT, "status": "revoked", "status_reason": "SKK palsu", "status_seq": 3,
                      "superseded_by": None}
    assert keep_status(None, CERT) == CERT


@pytest.mark.parametrize(("status", "previous", "words"), [
    (C.SUSPENDED, C.ACTIVE, "Sertifikat SKK SKK-1 dibekukan oleh LPJK: alasan uji"),
    (C.REVOKED, C.ACTIVE, "Sertifikat SKK SKK-1 dicabut oleh LPJK: alasan uji"),
    (C.SUPERSEDED, C.ACTIVE, "Sertifikat SKK SKK-1 digantikan oleh sertifikat LPJK-2"),
    (C.ACTIVE, C.SUSPENDED, "Sertifikat SKK SKK-1 dipulihkan oleh LPJK"),
])
def test_messages_in_bahasa_indonesia(status: C, previous: C, words: str) -> None:
    message = status_message(status, skk_number="SKK-1", reason="alasan uji", superseded_by="LPJK-2",
                             previous=previous)
    assert message.startswith(words), message


def test_a_message_without_a_reason_or_number() -> None:
    assert status_message(C.SUSPENDED, skk_number=None, reason=None, superseded_by=None).startswith(
        "Sertifikat SKK Anda dibekukan oleh LPJK. ")
