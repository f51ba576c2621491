"""The evidence an application carries (SPEC section 8, "Evidence"): which documents of an
application staff may open (those its submission referenced, and its latest payment proof),
whether the bytes fetched are the ones referenced, and how the file is named when shown."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SECTION = "section"
PAYMENT_PROOF = "payment_proof"
# What the portal accepts (by content); only these are shown inline.
INLINE_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Evidence:
    """One referenced document, as the submission (or the payment proof's webhook) described it."""

    id: str
    kind: str
    sha256: str
    content_type: str
    size: int
    source: str  # SECTION or PAYMENT_PROOF


def find_evidence(documents: Sequence[Mapping[str, Any]] | None, payment_proof: Mapping[str, Any] | None,
                  document_id: str) -> Evidence | None:
    """The reference named ``document_id`` among the application's documents and its payment
    proof; None when the application references no such document."""
    candidates = [(d, SECTION) for d in documents or ()]
    if payment_proof:
        candidates.append((payment_proof, PAYMENT_PROOF))
    for ref, source in candidates:
        if ref.get("id") == document_id:
            return Evidence(id=document_id, kind=str(ref.get("kind") or source), sha256=str(ref.get("sha256") or ""),
                            content_type=str(ref.get("content_type") or ""), size=int(ref.get("size") or 0),
                            source=source)
    return None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def matches(evidence: Evidence, data: bytes) -> bool:
    """Whether ``data`` are the bytes the reference names: same SHA-256 (and so same size)."""
    return sha256_hex(data) == evidence.sha256.lower()


def shown_as(evidence: Evidence) -> tuple[str, str]:
    """The content type and ``Content-Disposition`` to answer with: the stored type inline when
    it is one the portal accepts, anything else only as a download of opaque bytes."""
    extension = INLINE_TYPES.get(evidence.content_type)
    kind = _UNSAFE.sub("_", evidence.kind)[:40] or "dokumen"
    name = f"{kind}-{_UNSAFE.sub('_', evidence.id)[:64]}"
    if extension is None:
        return "application/octet-stream", f'attachment; filename="{name}"'
    return evidence.content_type, f'inline; filename="{name}{extension}"'
