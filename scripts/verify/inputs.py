"""The verifier's reference material, from files: LPJK's trust list and its status lists.

A status list is accepted only when it verifies with one of the trust list's ``status_list`` keys
and is a Bitstring Status List; one past its ``validUntil`` is still used (a newer one may not be
at hand offline) but flagged stale, so the reader knows a recent revocation may be missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from shared.credentials import PURPOSES, CredentialError, TrustList, bit_at, decode_bits, verify_credential


class InputError(ValueError):
    """A file the verifier cannot use at all (missing, not JSON, not a trust list)."""


@dataclass(frozen=True)
class StatusList:
    purpose: str
    bits: bytes
    kid: str
    valid_until: datetime | None
    source: str

    def is_set(self, index: int) -> bool:
        return bit_at(self.bits, index)


@dataclass
class StatusLists:
    lists: dict[str, StatusList] = field(default_factory=dict)
    rejected: dict[str, str] = field(default_factory=dict)  # file -> why it is not genuine


def load_trust_list(path: Path) -> TrustList:
    try:
        return TrustList.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise InputError(f"cannot read the trust list {path}: {exc.strerror}") from exc
    except ValueError as exc:
        raise InputError(f"{path} is not an LPJK trust list (trust-list.json): {exc}") from exc


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def read_status_list(token: str, trust: TrustList, source: str) -> StatusList:
    """A genuine status list, or :class:`CredentialError` saying why not."""
    kid, credential = verify_credential(token.strip(), trust.ed25519_keys("status_list"))
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != "BitstringStatusList":
        raise CredentialError("not a Bitstring Status List credential")
    purpose = subject.get("statusPurpose")
    if purpose not in PURPOSES:
        raise CredentialError(f"unknown status purpose {purpose!r}")
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise CredentialError("the status list has no encodedList")
    return StatusList(purpose=str(purpose), bits=decode_bits(encoded), kid=kid,
                      valid_until=_parse_time(credential.get("validUntil")), source=source)


def load_status_lists(paths: list[Path], trust: TrustList) -> StatusLists:
    out = StatusLists()
    for path in paths:
        try:
            token = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the status list {path}: {exc}") from exc
        try:
            found = read_status_list(token, trust, str(path))
        except CredentialError as exc:
            out.rejected[str(path)] = str(exc)
            continue
        out.lists[found.purpose] = found
    return out
