"""The certificate's status at LPJK as the portal keeps it: inside the application's
``certificate`` JSON (``status``, ``status_reason``, ``status_seq``, ``superseded_by``), changed
only by a newer ``certificate.status_changed`` (LPJK's ``seq``), and the holder's message about
it in Bahasa Indonesia. Plain rules, no I/O."""

from __future__ import annotations

from typing import Any

from shared.contracts.states import CertificateStatus

C = CertificateStatus
STATUS_KEYS = ("status", "status_reason", "status_seq", "superseded_by")


def status_of(certificate: dict[str, Any] | None) -> CertificateStatus:
    """The status kept in a certificate's JSON; ``active`` while LPJK changed nothing."""
    return C((certificate or {}).get("status") or C.ACTIVE.value)


def change_applies(certificate: dict[str, Any] | None, seq: int) -> bool:
    """Whether LPJK's change ``seq`` is newer than the last one kept (a redelivered or late
    change takes nothing back)."""
    return seq > int((certificate or {}).get("status_seq") or 0)


def with_status(certificate: dict[str, Any] | None, *, status: CertificateStatus, reason: str | None, seq: int,
                superseded_by: str | None) -> dict[str, Any]:
    """A new dict (so that the ORM sees the change): the certificate with the change's status."""
    return {**(certificate or {}), "status": status.value, "status_reason": reason, "status_seq": seq,
            "superseded_by": superseded_by}


def keep_status(previous: dict[str, Any] | None, certificate: dict[str, Any]) -> dict[str, Any]:
    """SIKI's certificate (a later step may carry it again) with the status kept from before: the
    status is LPJK's, and may have arrived first."""
    kept = {k: v for k, v in (previous or {}).items() if k in STATUS_KEYS}
    return {**certificate, **kept}


def is_issued(certificate: dict[str, Any] | None) -> bool:
    """Whether SIKI's certificate is there (not only a status that arrived before it)."""
    return bool((certificate or {}).get("skk_number"))


def status_message(status: CertificateStatus, *, skk_number: str | None, reason: str | None,
                   superseded_by: str | None, previous: CertificateStatus | None = None) -> str:
    """The holder's notification about a change of their certificate's status."""
    skk = f"Sertifikat SKK {skk_number}" if skk_number else "Sertifikat SKK Anda"
    because = f": {reason}" if reason else "."
    if status is C.SUSPENDED:
        return f"{skk} dibekukan oleh LPJK{because} Selama dibekukan, sertifikat tidak terverifikasi sebagai berlaku."
    if status is C.REVOKED:
        return f"{skk} dicabut oleh LPJK{because} Sertifikat ini tidak berlaku lagi dan tidak dapat diperpanjang."
    if status is C.SUPERSEDED:
        successor = f"sertifikat {superseded_by}" if superseded_by else "sertifikat yang baru"
        return f"{skk} digantikan oleh {successor}. Gunakan sertifikat pengganti tersebut."
    if previous is C.SUSPENDED or previous is None:
        return f"{skk} dipulihkan oleh LPJK dan kembali berlaku."
    return f"{skk} kembali berlaku."


STATUS_LABELS: dict[CertificateStatus, str] = {
    C.ACTIVE: "Berlaku", C.SUSPENDED: "Dibekukan", C.REVOKED: "Dicabut", C.SUPERSEDED: "Digantikan",
    C.EXPIRED: "Habis masa berlaku",
}
