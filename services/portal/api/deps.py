"""What every route needs: the portal's context, the current applicant, uploads read safely."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from fastapi import Depends, Request, UploadFile
from fastapi.security import OAuth2PasswordBearer

from services.portal.db.models import User
from services.portal.domain.applications import ActionNotAllowed
from services.portal.security import read_access_token
from services.portal.settings import PortalSettings
from services.portal.storage import DocumentStore
from shared.errors import Problem
from shared.runtime import ServiceRuntime
from shared.service_client import ServiceClient

TOKEN_URL = "/api/v1/auth/token"
oauth2_scheme = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)


class ConfirmedUsers:
    """Users this process recently read from the database as existing and activated.

    The bearer token already proves who the caller is (signed, ``exp`` checked on every request,
    minted only after the password check of an activated account). Reading the user's row on
    every request only guards against an account that disappears or is deactivated while its
    token is still valid; doing it at most once per ``ttl_seconds`` per user keeps that guard
    (such an account loses access within ``ttl_seconds``, never later than its token expires)
    without a query on every request. ``ttl_seconds <= 0`` reads the row every time.
    """

    def __init__(self, ttl_seconds: float, max_entries: int = 100_000) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._until: dict[str, float] = {}

    def fresh(self, user_id: str, now: float | None = None) -> bool:
        until = self._until.get(user_id)
        return until is not None and until > (time.monotonic() if now is None else now)

    def confirm(self, user_id: str, now: float | None = None) -> None:
        if self.ttl <= 0:
            return
        now = time.monotonic() if now is None else now
        if len(self._until) >= self.max_entries:
            # Drop what has lapsed; if every entry is still fresh, start over (only costs reads).
            self._until = {k: v for k, v in self._until.items() if v > now}
            if len(self._until) >= self.max_entries:
                self._until.clear()
        self._until[user_id] = now + self.ttl

    def forget(self, user_id: str) -> None:
        self._until.pop(user_id, None)


@dataclass
class PortalContext:
    runtime: ServiceRuntime
    settings: PortalSettings
    store: DocumentStore
    siki: ServiceClient
    confirmed_users: ConfirmedUsers = field(default_factory=lambda: ConfirmedUsers(0))


@dataclass(frozen=True)
class Applicant:
    """The caller of an applicant's route: the user id its bearer token names (see
    :func:`current_user`). Routes that need the user's details read them in their own session."""

    id: str


async def get_portal(request: Request) -> PortalContext:
    # async on purpose: FastAPI runs a plain ``def`` dependency in its thread pool, a thread
    # hop on every request for a dictionary lookup.
    portal: PortalContext = request.app.state.portal
    return portal


async def current_user(token: str | None = Depends(oauth2_scheme),
                       portal: PortalContext = Depends(get_portal)) -> Applicant:
    """The applicant the bearer token names: its signature and expiry are checked on every
    request; that the account still exists and is activated is read from the database at most
    once per ``user_recheck_seconds`` per user (:class:`ConfirmedUsers`)."""
    if not token:
        raise Problem(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"},
                      errors=[{"field": "authorization", "message": "log in and send the bearer token"}])
    user_id = read_access_token(token, secret=portal.settings.jwt_secret.get_secret_value())
    confirmed = portal.confirmed_users
    if not confirmed.fresh(user_id):
        async with portal.runtime.sessions() as s:
            user = await s.get(User, user_id)
        if user is None or user.verified_at is None:
            confirmed.forget(user_id)
            raise Problem(401, "invalid access token", headers={"WWW-Authenticate": "Bearer"},
                          errors=[{"field": "authorization", "message": "unknown user"}])
        confirmed.confirm(user_id)
    return Applicant(user_id)


def utc(dt: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; they were stored as UTC."""
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def conflict_from(exc: ActionNotAllowed) -> Problem:
    return Problem(409, str(exc), status_now=exc.status, errors=[{"field": "status", "message": str(exc)}])


async def read_upload(file: UploadFile, max_bytes: int, field: str = "file") -> bytes:
    """The uploaded bytes, refusing more than ``max_bytes`` (413) and empty files (422)."""
    data = await file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Problem(413, f"the file is larger than {max_bytes} bytes",
                      errors=[{"field": field, "message": f"at most {max_bytes} bytes"}])
    if not data:
        raise Problem(422, "the file is empty", errors=[{"field": field, "message": "the file is empty"}])
    return data
