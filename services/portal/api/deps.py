"""What every route needs: the portal's context, the current applicant, uploads read safely."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass
class PortalContext:
    runtime: ServiceRuntime
    settings: PortalSettings
    store: DocumentStore
    siki: ServiceClient


def get_portal(request: Request) -> PortalContext:
    portal: PortalContext = request.app.state.portal
    return portal


async def current_user(token: str | None = Depends(oauth2_scheme),
                       portal: PortalContext = Depends(get_portal)) -> User:
    if not token:
        raise Problem(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"},
                      errors=[{"field": "authorization", "message": "log in and send the bearer token"}])
    user_id = read_access_token(token, secret=portal.settings.jwt_secret.get_secret_value())
    async with portal.runtime.sessions() as s:
        user = await s.get(User, user_id)
    if user is None or user.verified_at is None:
        raise Problem(401, "invalid access token", headers={"WWW-Authenticate": "Bearer"},
                      errors=[{"field": "authorization", "message": "unknown user"}])
    return user


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
