"""The documents LPJK publishes for verifiers (plain Python, no I/O, no signing): a certificate
as a W3C Verifiable Credential 2.0, a W3C Bitstring Status List credential, and their URLs.
Signing and encoding are shared.credentials'; the JSON schemas are docs/schemas/.

The credential's subject is the holder as the public verification shows them: the masked name
(``B*** S******``) and the masked NIK (``317101********01``). Anyone holding a recording number
can fetch the credential, so it tells no more than ``verify_certificate`` does; a tender committee
matches the person by the masked name and NIK against the KTP (and the full name printed on the
certificate itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from shared.credentials import VC_CONTEXT
from shared.reference.identity import mask_name, mask_nik

CREDENTIAL_TYPE = "SkkCredential"
STATUS_LIST_TTL = timedelta(days=1)
# A status list is rebuilt at most once per window: within it the same bits give the same bytes
# (Ed25519 signatures are deterministic), so caches and ETags work.
STATUS_LIST_WINDOW = timedelta(minutes=5)


def credential_url(public_url: str, recording_number: str) -> str:
    return f"{public_url.rstrip('/')}/api/v1/public/credentials/{recording_number}"


def status_list_url(public_url: str, purpose: str) -> str:
    return f"{public_url.rstrip('/')}/api/v1/public/status-lists/{purpose}"


def issuer_id(public_url: str) -> str:
    """LPJK as the issuer of its credentials and status lists: its public URL."""
    return public_url.rstrip("/")


def _wib_start(day: date) -> str:
    return f"{day.isoformat()}T00:00:00+07:00"


def _wib_end(day: date) -> str:
    return f"{day.isoformat()}T23:59:59+07:00"  # valid_until counts in full (WIB), as verification does


@dataclass(frozen=True)
class Certificate:
    """The facts of a recorded certificate that its credential states."""

    recording_number: str
    skk_number: str
    registration_number: str
    nik: str
    full_name: str
    klasifikasi_code: str
    subklasifikasi_code: str
    jabatan_kerja_code: str
    jabatan_kerja_name: str | None
    kualifikasi: str
    jenjang: int
    lsp_code: str
    issued_on: date
    valid_until: date
    status_list_index: int


def skk_credential(public_url: str, c: Certificate) -> dict[str, Any]:
    """The certificate as a VC 2.0 (unsigned), with its two status list entries."""
    entries = [
        {"id": f"{status_list_url(public_url, purpose)}#{c.status_list_index}", "type": "BitstringStatusListEntry",
         "statusPurpose": purpose, "statusListIndex": str(c.status_list_index),
         "statusListCredential": status_list_url(public_url, purpose)}
        for purpose in ("revocation", "suspension")
    ]
    achievement: dict[str, Any] = {
        "type": "SkkAchievement", "skkNumber": c.skk_number, "recordingNumber": c.recording_number,
        "registrationNumber": c.registration_number, "klasifikasi": c.klasifikasi_code,
        "subklasifikasi": c.subklasifikasi_code, "jabatanKerja": {"code": c.jabatan_kerja_code},
        "kualifikasi": c.kualifikasi, "jenjang": c.jenjang, "lspCode": c.lsp_code,
    }
    if c.jabatan_kerja_name:
        achievement["jabatanKerja"]["name"] = c.jabatan_kerja_name
    return {
        "@context": [VC_CONTEXT],
        "id": credential_url(public_url, c.recording_number),
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
        "issuer": issuer_id(public_url),
        "validFrom": _wib_start(c.issued_on),
        "validUntil": _wib_end(c.valid_until),
        "credentialSubject": {
            "type": "SkkHolder", "nameMasked": mask_name(c.full_name), "nikMasked": mask_nik(c.nik),
            "achievement": achievement,
        },
        "credentialStatus": entries,
    }


def window_start(now: datetime) -> datetime:
    """The start of the status-list window holding ``now`` (UTC, whole seconds)."""
    step = int(STATUS_LIST_WINDOW.total_seconds())
    return datetime.fromtimestamp(int(now.timestamp()) // step * step, tz=now.tzinfo)


def _stamp(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def status_list_credential(public_url: str, purpose: str, encoded_list: str, valid_from: datetime) -> dict[str, Any]:
    """A W3C Bitstring Status List credential (unsigned) for ``purpose``."""
    url = status_list_url(public_url, purpose)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(public_url),
        "validFrom": _stamp(valid_from),
        "validUntil": _stamp(valid_from + STATUS_LIST_TTL),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": purpose,
                              "encodedList": encoded_list},
    }
