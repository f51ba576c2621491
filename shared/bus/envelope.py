"""The versioned event envelope every service publishes and consumes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def utcnow() -> datetime:
    return datetime.now(UTC)


class EventEnvelope(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    type: str
    version: int = 1
    occurred_at: datetime = Field(default_factory=utcnow)
    correlation_id: str
    application_id: str | None = None
    source: str = ""
    payload: dict[str, Any] = Field(default_factory=dict)

    @property
    def routing_key(self) -> str:
        return self.type
