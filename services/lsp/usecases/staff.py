"""Staff accounts: password hashing (argon2), this LSP's bearer tokens (HS256 JWT), the session
behind every request, login (throttled) and logout, the audit of what staff do, and the dev
accounts seeded at start-up.

A token names the LSP in its audience (``lsp:LSP-A``) and is signed with the LSP's own secret,
so a token of one LSP is refused by every other. It names the account and its token version,
nothing more: each request reads the account (through a cache of a few seconds), so a
deactivated account, a removed role or a logout counts from the next request, not from the
token's expiry.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jwt
from argon2 import extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError

from services.lsp.db.models import Staff
from shared.account_cache import admits
from shared.bus.envelope import utcnow
from shared.database import read_session
from shared.exceptions import Forbidden, TooManyRequests, Unauthenticated
from shared.hashing import BoundedHasher
from shared.throttle import Rule

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from services.lsp.usecases.context import LspContext

ALGORITHM = "HS256"
BEARER = {"WWW-Authenticate": "Bearer"}
_HASHER = BoundedHasher()  # stateless: safe to share between LSP instances in one process
# Verified against when the username is unknown, so both cases take the same time. A fixed
# hash of "not-a-real-password" made with this hasher's parameters (hashing it at import cost
# every start ~100 ms of CPU and a 64 MiB peak); should the library's defaults ever change, it
# is made afresh so that the cost of verifying it still matches a real account's.
_FIXED_DUMMY_HASH = ("$argon2id$v=19$m=65536,t=3,p=4$wzRMSVYvYc/JDyX1nMIb3w$"
                     "0Q086CNzlKCGwKpDdc5stMLykt2PwEIxihjHkULzRXQ")
_DUMMY_HASH = (_FIXED_DUMMY_HASH if extract_parameters(_FIXED_DUMMY_HASH) == _HASHER._parameters
               else _HASHER.hash("not-a-real-password"))

# Failed logins, counted per (username, client) with growing waits, and per client across
# usernames (one address trying many accounts). Never per username alone: anyone could then
# lock a staff member out from wherever they are.
LOGIN_PER_ACCOUNT_AND_CLIENT = Rule("lsp-staff-login-account-client", "5/minute;10/15minutes;20/hour")
LOGIN_PER_CLIENT = Rule("lsp-staff-login-client", "30/minute;100/hour")
WRONG_LOGIN = "wrong username or password"

# SPEC sections 7 and 8: manajer, admin, asesor1, asesor2, komite, komite2, komite3. The komite
# may also assess, which is what makes "the komite cannot decide its own assessment" a real rule;
# komite2 and komite3 are there to decide what komite may not (an appeal of its own decision).
DEV_STAFF: dict[str, list[str]] = {
    "manajer": ["manajer"],
    "admin": ["admin"],
    "asesor1": ["asesor"],
    "asesor2": ["asesor"],
    "komite": ["komite", "asesor"],
    "komite2": ["komite"],
    "komite3": ["komite"],
}


async def hash_password(password: str) -> str:
    """argon2id in a worker thread: never on the event loop (shared/hashing.py)."""
    return await _HASHER.hash_off_loop(password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return await _HASHER.verify_off_loop(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class StaffPrincipal:
    """The staff member behind a request, with the roles the account holds now and the address
    the request came from (for the audit log)."""

    username: str
    roles: frozenset[str]
    lsp_code: str
    client: str = "unknown"

    def has(self, role: str) -> bool:
        return role in self.roles

    @property
    def actor(self) -> str:
        """How the audit log names this staff member."""
        return f"staff:{self.lsp_code}:{self.username}"


def audience(lsp_code: str) -> str:
    return f"lsp:{lsp_code}"


def issue_token(*, username: str, token_version: int, lsp_code: str, secret: str, ttl_seconds: int) -> str:
    now = int(time.time())
    # No roles: the account's current roles are read on every request.
    claims = {"sub": username, "ver": token_version, "lsp_code": lsp_code, "aud": audience(lsp_code),
              "iat": now, "exp": now + ttl_seconds, "typ": "staff"}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def _refused(message: str) -> Unauthenticated:
    return Unauthenticated(message, headers=BEARER, errors=[{"field": "Authorization", "message": message}])


def read_token(token: str, *, lsp_code: str, secret: str) -> tuple[str, int]:
    """The username and token version a token of this LSP names."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], audience=audience(lsp_code),
                            options={"require": ["exp", "aud", "sub", "ver"]})
    except jwt.ExpiredSignatureError as exc:
        raise _refused("the staff token has expired; log in again") from exc
    except jwt.PyJWTError as exc:  # which check failed helps an attacker, not the caller
        raise _refused("not a valid staff token of this LSP; log in again") from exc
    version = claims.get("ver")
    if claims.get("typ") != "staff" or claims.get("lsp_code") != lsp_code or not isinstance(version, int):
        raise _refused("not a valid staff token of this LSP; log in again")
    return str(claims["sub"]), version


@dataclass(frozen=True)
class Account:
    """What a request needs to know of a staff account."""

    active: bool
    roles: frozenset[str]
    token_version: int


async def _read_account(ctx: LspContext, username: str) -> Account | None:
    async with read_session(ctx.sessions) as session:
        row = await session.get(Staff, username)
        return None if row is None else Account(row.active, frozenset(row.roles), row.token_version)


def end_sessions(row: Staff) -> None:
    """Every token issued to the account so far is refused from its next request (logout; also
    what deactivating an account does, so that reactivating it revives no old token)."""
    row.token_version += 1


async def authenticate(ctx: LspContext, token: str | None, *, client: str = "unknown") -> StaffPrincipal:
    """The staff member a bearer token names, with the account's current roles
    (``Unauthenticated`` if no token, not valid here, or the account is gone, inactive or
    logged out since)."""
    if not token:
        raise _refused("missing bearer token")
    username, version = read_token(token, lsp_code=ctx.code, secret=ctx.settings.jwt_secret.get_secret_value())
    account = await ctx.staff_sessions.account(username, version, lambda: _read_account(ctx, username))
    if account is None or not admits(account, version):
        raise _refused("this session has ended; log in again")
    return StaffPrincipal(username, account.roles, ctx.code, client)


def require_role(staff: StaffPrincipal, roles: tuple[str, ...]) -> StaffPrincipal:
    """Admit staff holding at least one of ``roles``."""
    if not any(staff.has(r) for r in roles):
        raise Forbidden(f"this operation needs the role {' or '.join(repr(r) for r in roles)}",
                        required_role=list(roles))
    return staff


async def audit(ctx: LspContext, session: AsyncSession, staff: StaffPrincipal, action: str, *,
                application_id: str | None = None, target_type: str | None = "application",
                target_id: str | None = None, detail: dict[str, Any] | None = None) -> None:
    """Records what ``staff`` did in the audit log, inside the caller's transaction (it commits
    with the action or not at all). ``detail`` never carries NIK, NPWP or free text."""
    await ctx.auditor.record(session, actor=staff.actor, action=action, target_type=target_type,
                             target_id=target_id or application_id, application_id=application_id,
                             client=staff.client, detail=detail)


async def audit_view(ctx: LspContext, staff: StaffPrincipal, action: str, *, application_id: str,
                     detail: dict[str, Any] | None = None) -> None:
    """Records that ``staff`` viewed an application, by itself (a view writes nothing else):
    appended when this returns, so a view is answered only once it is on record."""
    await ctx.auditor.record_alone(ctx.sessions, actor=staff.actor, action=action, target_type="application",
                                   target_id=application_id, application_id=application_id, client=staff.client,
                                   detail=detail)


async def _login_wait(ctx: LspContext, username: str, client: str) -> int | None:
    waits = [await ctx.throttle.blocked([LOGIN_PER_ACCOUNT_AND_CLIENT], username, client),
             await ctx.throttle.blocked([LOGIN_PER_CLIENT], client)]
    return max((w for w in waits if w), default=None)


async def login(ctx: LspContext, username: str, password: str, client: str = "unknown") -> dict[str, Any]:
    """``staff_login``: a bearer token for an active account with the right password. Unknown
    username, wrong password and inactive account get the same answer (and take the same time)."""
    # Case and spaces do not make a fresh counter.
    counted = username.strip().casefold()
    wait = await _login_wait(ctx, counted, client)
    if wait is not None:
        raise TooManyRequests(f"too many failed logins; try again in {wait} seconds",
                              headers={"Retry-After": str(wait)},
                              errors=[{"field": "username", "message": "too many failed logins; try again later"}])
    async with read_session(ctx.sessions) as session:
        staff = await session.get(Staff, username)
    ok = await verify_password(staff.password_hash if staff else None, password)
    if staff is None or not ok or not staff.active:
        await ctx.throttle.hit([LOGIN_PER_ACCOUNT_AND_CLIENT], counted, client)
        await ctx.throttle.hit([LOGIN_PER_CLIENT], client)
        # An unknown "username" is often a password typed in the wrong field: it is not recorded.
        reason = ("unknown_username" if staff is None else "not_activated" if staff.password_hash is None
                  else "wrong_password" if not ok else "inactive")
        await ctx.auditor.record_alone(ctx.sessions, actor="public", action="account.login_failed",
                                       target_type=None if staff is None else "staff",
                                       target_id=None if staff is None else staff.username, client=client,
                                       detail={"reason": reason})
        raise Unauthenticated(WRONG_LOGIN, headers=BEARER, errors=[{"field": "password", "message": WRONG_LOGIN}])
    await ctx.throttle.clear([LOGIN_PER_ACCOUNT_AND_CLIENT], counted, client)
    principal = StaffPrincipal(staff.username, frozenset(staff.roles), ctx.code, client)
    async with ctx.sessions() as session, session.begin():
        await audit(ctx, session, principal, "account.login", target_type="staff", target_id=staff.username)
    ttl = ctx.settings.access_token_ttl_seconds
    token = issue_token(username=staff.username, token_version=staff.token_version, lsp_code=ctx.code,
                        secret=ctx.settings.jwt_secret.get_secret_value(), ttl_seconds=ttl)
    return {"access_token": token, "token_type": "bearer", "expires_in": ttl, "roles": sorted(staff.roles)}


async def logout(ctx: LspContext, staff: StaffPrincipal) -> None:
    """``staff_logout``: ends every session of the account (the token version is per account:
    logging out on one device logs out the others too)."""
    async with ctx.sessions() as session, session.begin():
        row = await session.get(Staff, staff.username)
        if row is not None:
            end_sessions(row)
        await audit(ctx, session, staff, "account.logout", target_type="staff", target_id=staff.username)
    ctx.staff_sessions.forget(staff.username)


async def seed_dev_staff(ctx: LspContext) -> int:
    """In dev mode, the accounts of :data:`DEV_STAFF` (password ``SKK_DEV_PASSWORD``)."""
    if not (ctx.settings.is_dev and ctx.settings.seed_dev_staff):
        return 0
    password = ctx.settings.dev_password.get_secret_value()
    added = 0
    password_hash: str | None = None  # the dev accounts share one password: hashed once (~100 ms each)
    try:
        async with ctx.sessions() as session, session.begin():
            for username, roles in DEV_STAFF.items():
                if await session.get(Staff, username) is None:
                    password_hash = password_hash or await hash_password(password)
                    session.add(_dev_account(ctx, username, roles, password_hash))
                    added += 1
    except IntegrityError:
        return 0
    return added


def _dev_account(ctx: LspContext, username: str, roles: list[str], password_hash: str) -> Staff:
    """A dev account, activated at once; an asesor with a made-up registration number."""
    now = utcnow()
    slug = ctx.code.lower()
    number = f"MET.000.{sum(map(ord, username + ctx.code)):06d} 2024" if "asesor" in roles else None
    return Staff(username=username, password_hash=password_hash, roles=roles, active=True, created_at=now,
                 full_name=f"{username.capitalize()} {ctx.code} (dev)", email=f"{username}@{slug}.dev.skk.example.id",
                 asesor_registration_number=number, activated_at=now, created_by="dev-seed", updated_at=now)
