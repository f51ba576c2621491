"""What several use cases share: the ports they are handed (emitting events, reading an upload),
the errors for what is not the caller's, and timestamps read back from the database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.events import EmailRequested, Event
from shared.exceptions import NotFound, Unauthenticated

T = TypeVar("T")


class Emit(Protocol):
    """Stages an event in the session's transaction (the outbox): ``ServiceRuntime.emit``."""

    def __call__(self, session: AsyncSession, event: Event, *, application_id: str | None = None) -> object: ...


class Upload(Protocol):
    """An uploaded file being read (FastAPI's ``UploadFile`` is one)."""

    async def read(self, size: int = -1) -> bytes: ...


class ApplicationNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("application not found",
                         errors=[{"field": "application_id", "message": "no such application of yours"}])


class UnknownUser(Unauthenticated):
    """A bearer token naming a user that no longer exists or is no longer activated."""

    def __init__(self) -> None:
        super().__init__("invalid access token", headers={"WWW-Authenticate": "Bearer"},
                         errors=[{"field": "authorization", "message": "unknown user"}])


def found(value: T | None) -> T:
    """``value``, or :class:`ApplicationNotFound` (another applicant's id is not found either)."""
    if value is None:
        raise ApplicationNotFound()
    return value


def utc(dt: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; they were stored as UTC."""
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def request_email(emit: Emit, session: AsyncSession, to: str, subject: str, body: str,
                  application_id: str | None = None) -> None:
    """Stage an email in the caller's transaction: it is sent only if that commits."""
    emit(session, EmailRequested(to=to, subject=subject, body=body), application_id=application_id)
