"""How an uploaded document is handed between services: by reference, never re-uploaded."""

from __future__ import annotations

from pydantic import BaseModel

from shared.contracts.types import Count, Timestamp


class DocumentRef(BaseModel):
    id: str
    kind: str
    sha256: str
    content_type: str
    size: Count
    # Where an authorised service can fetch the bytes (the portal's document store).
    url: str | None = None
    # When the applicant uploaded it (added later: older messages carry none).
    uploaded_at: Timestamp | None = None
