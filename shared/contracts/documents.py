"""How an uploaded document is handed between services: by reference, never re-uploaded."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class DocumentRef(BaseModel):
    id: str
    kind: str
    sha256: str
    content_type: str
    size: int
    # Where an authorised service can fetch the bytes (the portal's document store).
    url: str | None = None
    # When the applicant uploaded it (added later: older messages carry none).
    uploaded_at: datetime | None = None
