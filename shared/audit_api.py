"""The operators' view of a service's audit log: a filtered, paged search and a chain check.

Each service mounts :func:`audit_router` with the dependency that admits its auditors (an
operator with the ``audit`` role, an LSP's manager); every search is itself audited.
"""

# No ``from __future__ import annotations``: FastAPI must see the ``Reader`` alias built inside
# audit_router, which a postponed (string) annotation could not name.
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.audit import Auditor
from shared.errors import PROBLEM_RESPONSES
from shared.throttle import client_of

MAX_PAGE = 200


class AuditEventOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    target_type: str | None
    target_id: str | None
    application_id: str | None
    client: str | None
    detail: dict[str, Any]
    prev_hash: str
    hash: str


class AuditCheckOut(BaseModel):
    ok: bool
    checked: int
    first_invalid_id: int | None


def _runtime_sessions(request: Request) -> async_sessionmaker[AsyncSession]:
    sessions: async_sessionmaker[AsyncSession] = request.app.state.runtime.sessions
    return sessions


def audit_router(auditor: Auditor, dependency: Callable[..., Any], *,
                 actor_of: Callable[[Any], str] = lambda principal: str(getattr(principal, "actor", "operator")),
                 sessions_of: Callable[[Request], async_sessionmaker[AsyncSession]] = _runtime_sessions,
                 tags: tuple[str, ...] = ("audit",)) -> APIRouter:
    router = APIRouter(tags=list(tags))
    Reader = Annotated[Any, Depends(dependency)]

    @router.get("/api/v1/audit-events", operation_id="list_audit_events", response_model=list[AuditEventOut],
                responses=PROBLEM_RESPONSES)
    async def list_audit_events(
        request: Request, reader: Reader,
        actor: Annotated[str | None, Query(max_length=200)] = None,
        action: Annotated[str | None, Query(max_length=100)] = None,
        application_id: Annotated[str | None, Query(max_length=64)] = None,
        target_id: Annotated[str | None, Query(max_length=100)] = None,
        since: datetime | None = None, until: datetime | None = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> list[AuditEventOut]:
        """The audit log, newest first (this search is recorded in it too)."""
        sessions = sessions_of(request)
        async with sessions() as s, s.begin():
            rows = await auditor.search(s, actor=actor, action=action, application_id=application_id,
                                        target_id=target_id, since=since, until=until, limit=limit, offset=offset)
            out = [AuditEventOut.model_validate(row, from_attributes=True) for row in rows]
            await auditor.record(s, actor=actor_of(reader), action="audit.searched", client=client_of(request),
                                 detail={"filters": {k: v for k, v in {
                                     "actor": actor, "action": action, "application_id": application_id,
                                     "target_id": target_id}.items() if v is not None}, "returned": len(out)})
        return out

    @router.get("/api/v1/audit-events/verification", operation_id="verify_audit_log",
                response_model=AuditCheckOut, responses=PROBLEM_RESPONSES)
    async def verify_audit_log(request: Request, reader: Reader) -> AuditCheckOut:
        """Walks the hash chain: ``ok`` false names the first entry that was altered, removed or cut."""
        async with sessions_of(request)() as s:
            check = await auditor.verify(s)
        return AuditCheckOut(ok=check.ok, checked=check.checked, first_invalid_id=check.first_invalid_id)

    return router
