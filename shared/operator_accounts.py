"""What operators do with their accounts (the use cases behind shared/operators_api.py and the
``create-operator`` command line): create, change roles, deactivate, log in (throttled), log
out, change the password, and the per-request check of a token against the account.

Every change is recorded in the service's audit log in the transaction that makes it.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.account_cache import RecentAccounts, admits
from shared.database import read_session
from shared.exceptions import Conflict, Invalid, NotFound, TooManyRequests, Unauthenticated
from shared.logging import get_logger
from shared.operators import (
    ADMIN,
    BEARER,
    LOGIN_PER_ACCOUNT_AND_CLIENT,
    LOGIN_PER_CLIENT,
    MAX_PASSWORD_LENGTH,
    WRONG_LOGIN,
    OperatorMixin,
    OperatorPrincipal,
    OperatorSettings,
    dev_operator_email,
    email_problem,
    hash_password,
    mint_token,
    name_problem,
    normalize_email,
    password_problem,
    read_token,
    refused,
    roles_problem,
    verify_password,
)

if TYPE_CHECKING:
    from shared.audit import Auditor
    from shared.throttle import Throttle

log = get_logger(__name__)


@dataclass(frozen=True)
class _Account:
    email: str
    full_name: str
    roles: frozenset[str]
    active: bool
    token_version: int


@dataclass(frozen=True)
class OperatorSession:
    access_token: str
    expires_in: int
    token_type: str = "bearer"


@dataclass(frozen=True)
class OperatorCreated:
    id: str
    email: str
    roles: list[str]


def utcnow() -> datetime:
    return datetime.now(UTC)


class Operators:
    """The operator accounts of one service: creating and changing them (the command line),
    logging in and out, and the per-request check of a token."""

    def __init__(self, *, service: str, model: type[OperatorMixin], sessions: async_sessionmaker[AsyncSession],
                 auditor: Auditor, roles: Collection[str], throttle: Throttle | None = None, secret: str = "",
                 ttl_seconds: int = 3600, recheck_seconds: float = 5.0) -> None:
        self.service = service
        self.model = model
        self.sessions = sessions
        self.auditor = auditor
        self.roles = frozenset(roles)
        self.throttle = throttle
        self._secret = secret
        self.ttl_seconds = ttl_seconds
        self._accounts: RecentAccounts[_Account] = RecentAccounts(recheck_seconds)

    @classmethod
    def for_runtime(cls, runtime: Any, *, model: type[OperatorMixin], auditor: Auditor,
                    roles: Collection[str]) -> Operators:
        settings: OperatorSettings = runtime.settings
        return cls(service=settings.service_name, model=model, sessions=runtime.sessions, auditor=auditor,
                   roles=roles, throttle=runtime.throttle, secret=settings.operator_secret(),
                   ttl_seconds=settings.operator_token_ttl_seconds, recheck_seconds=settings.operator_recheck_seconds)

    # -- accounts (the command line) ---------------------------------------------------------

    def _check_roles(self, roles: Iterable[str]) -> list[str]:
        wanted = sorted(dict.fromkeys(r.strip() for r in roles if r.strip()))
        problem = roles_problem(wanted, self.roles)
        if problem:
            raise Invalid.field("roles", problem)
        return wanted

    async def create(self, *, email: str, full_name: str, roles: Iterable[str], password: str,
                     actor: str, client: str | None = None) -> OperatorCreated:
        """A new active operator; Conflict if the email already has an account."""
        email = normalize_email(email)
        errors = [{"field": f, "message": m} for f, m in (
            ("email", email_problem(email)), ("full_name", name_problem(full_name)),
            ("password", password_problem(password, email))) if m]
        if errors:
            raise Invalid.fields(errors)
        wanted = self._check_roles(roles)
        password_hash = await hash_password(password)
        # The mixin's concrete model (a declarative class) takes its columns as keywords.
        row: OperatorMixin = cast(Any, self.model)(
            id=str(uuid.uuid4()), email=email, full_name=full_name.strip(), roles=wanted,
            password_hash=password_hash, active=True, token_version=0, created_at=utcnow())
        try:
            async with self.sessions() as s, s.begin():
                if (await s.execute(sa.select(self.model.id).where(self.model.email == email))).first():
                    raise Conflict("an operator with this email exists",
                                   errors=[{"field": "email", "message": "an operator with this email exists"}])
                s.add(row)
                await s.flush()
                await self.auditor.record(s, actor=actor, action="operator.created", target_type="operator",
                                          target_id=row.id, client=client, detail={"roles": wanted})
        except IntegrityError:  # created meanwhile by another process
            raise Conflict("an operator with this email exists",
                           errors=[{"field": "email", "message": "an operator with this email exists"}]) from None
        log.info("operator created", service=self.service, operator_id=row.id, roles=wanted)
        return OperatorCreated(row.id, email, wanted)

    async def _change(self, email: str, actor: str, action: str, detail: dict[str, Any],
                      change: Callable[[OperatorMixin], None]) -> OperatorCreated:
        email = normalize_email(email)
        async with self.sessions() as s, s.begin():
            row = (await s.execute(sa.select(self.model).where(self.model.email == email)
                                   .with_for_update())).scalar_one_or_none()
            if row is None:
                raise NotFound("no operator with this email",
                               errors=[{"field": "email", "message": "no operator with this email"}])
            change(row)
            await self.auditor.record(s, actor=actor, action=action, target_type="operator", target_id=row.id,
                                      detail=detail)
        self._accounts.forget(row.id)
        return OperatorCreated(row.id, row.email, list(row.roles))

    async def deactivate(self, email: str, *, actor: str) -> OperatorCreated:
        """The operator's tokens are refused from their next request; the account stays for the audit."""
        def change(row: OperatorMixin) -> None:
            row.active = False
            row.token_version += 1  # a later reactivation revives no old token
        return await self._change(email, actor, "operator.deactivated", {}, change)

    async def set_roles(self, email: str, roles: Iterable[str], *, actor: str) -> OperatorCreated:
        wanted = self._check_roles(roles)

        def change(row: OperatorMixin) -> None:
            row.roles = wanted
        return await self._change(email, actor, "operator.roles_changed", {"roles": wanted}, change)

    async def seed_dev(self, *, password: str) -> None:
        """Dev mode: operator@<service>.dev with role admin, unless it exists."""
        email = dev_operator_email(self.service)
        async with read_session(self.sessions) as s:
            if (await s.execute(sa.select(self.model.id).where(self.model.email == email))).first():
                return
        with contextlib.suppress(Conflict):  # seeded meanwhile by another process of the service
            await self.create(email=email, full_name=f"Dev operator ({self.service})", roles=[ADMIN],
                              password=password, actor=f"service:{self.service}")

    # -- sessions ----------------------------------------------------------------------------

    def _throttle(self) -> Throttle:
        if self.throttle is None:
            raise RuntimeError("logins need the service's throttle")
        return self.throttle

    async def _wait(self, email: str, client: str) -> int | None:
        throttle = self._throttle()
        waits = [await throttle.blocked([LOGIN_PER_ACCOUNT_AND_CLIENT], email, client),
                 await throttle.blocked([LOGIN_PER_CLIENT], client)]
        return max((w for w in waits if w), default=None)

    async def _check_password(self, email: str, password: str, client: str) -> OperatorMixin:
        """The active account ``email`` names if ``password`` is its own; throttled per (email,
        client) and per client. Unknown email, wrong password and inactive account answer alike."""
        email = normalize_email(email)
        wait = await self._wait(email, client)
        if wait is not None:
            raise TooManyRequests(f"too many failed logins; try again in {wait} seconds",
                                  headers={"Retry-After": str(wait)},
                                  errors=[{"field": "password", "message": "too many failed logins; try again later"}])
        async with read_session(self.sessions) as s:
            row = (await s.execute(sa.select(self.model).where(self.model.email == email))).scalar_one_or_none()
        ok = await verify_password(row.password_hash if row is not None else None, password[:MAX_PASSWORD_LENGTH])
        if row is not None and ok and row.active:
            await self._throttle().clear([LOGIN_PER_ACCOUNT_AND_CLIENT], email, client)
            return row
        throttle = self._throttle()
        await throttle.hit([LOGIN_PER_ACCOUNT_AND_CLIENT], email, client)
        await throttle.hit([LOGIN_PER_CLIENT], client)
        # Whoever tried is unknown ("public"); the account tried is named by its id, an unknown
        # email not at all (it may be anyone's address, typed by anyone).
        await self.auditor.record_alone(
            self.sessions, actor="public",
            action="operator.login_failed", target_type="operator", target_id=row.id if row is not None else None,
            client=client, detail={"reason": "unknown" if row is None else "inactive" if ok else "password"})
        raise Unauthenticated(WRONG_LOGIN, headers=BEARER, errors=[{"field": "password", "message": WRONG_LOGIN}])

    def _session(self, operator_id: str, token_version: int) -> OperatorSession:
        token = mint_token(service=self.service, operator_id=operator_id, token_version=token_version,
                           secret=self._secret, ttl_seconds=self.ttl_seconds)
        return OperatorSession(access_token=token, expires_in=self.ttl_seconds)

    async def login(self, email: str, password: str, *, client: str) -> OperatorSession:
        """``create_operator_session``: a bearer token for an active operator with the right password."""
        row = await self._check_password(email, password, client)
        async with self.sessions() as s, s.begin():
            fresh = await s.get(self.model, row.id, with_for_update=True)
            if fresh is None or not fresh.active:  # deactivated this instant
                raise Unauthenticated(WRONG_LOGIN, headers=BEARER,
                                      errors=[{"field": "password", "message": WRONG_LOGIN}])
            fresh.last_login_at = utcnow()
            version = fresh.token_version
            await self.auditor.record(s, actor=f"operator:{self.service}:{fresh.email}", action="operator.login",
                                      target_type="operator", target_id=fresh.id, client=client)
        return self._session(row.id, version)

    async def _bump(self, principal: OperatorPrincipal, action: str, password_hash: str | None = None) -> int:
        async with self.sessions() as s, s.begin():
            row = await s.get(self.model, principal.id, with_for_update=True)
            if row is None:
                raise refused("this session has ended; log in again")
            row.token_version += 1
            if password_hash is not None:
                row.password_hash = password_hash
            version = row.token_version
            await self.auditor.record(s, actor=principal.actor, action=action, target_type="operator",
                                      target_id=row.id, client=principal.client)
        self._accounts.forget(principal.id)
        return version

    async def logout(self, principal: OperatorPrincipal) -> None:
        """``delete_operator_session``: every token of the operator is refused from now on."""
        await self._bump(principal, "operator.logout")

    async def change_password(self, principal: OperatorPrincipal, current: str, new: str) -> OperatorSession:
        """The current password again (throttled like a login), then the new one; every earlier
        token is refused from now on, and a fresh one is answered."""
        problem = password_problem(new, principal.email)
        if problem:
            raise Invalid.field("new_password", problem)
        await self._check_password(principal.email, current, principal.client)
        version = await self._bump(principal, "operator.password_changed", await hash_password(new))
        return self._session(principal.id, version)

    async def _account(self, operator_id: str) -> _Account | None:
        async with read_session(self.sessions) as s:
            row = await s.get(self.model, operator_id)
            return None if row is None else _Account(row.email, row.full_name, frozenset(row.roles), row.active,
                                                     row.token_version)

    async def authenticate(self, token: str | None, *, client: str = "unknown") -> OperatorPrincipal:
        """The operator a bearer token names, with the account's current roles; Unauthenticated if
        no token, not one of this service's, or the account is gone, inactive or logged out since."""
        if not token:
            raise refused("missing bearer token; log in as an operator")
        operator_id, version = read_token(token, service=self.service, secret=self._secret)
        account = await self._accounts.account(operator_id, version, lambda: self._account(operator_id))
        if account is None or not admits(account, version):
            raise refused("this operator session has ended; log in again")
        return OperatorPrincipal(operator_id, account.email, account.full_name, account.roles, self.service, client)
