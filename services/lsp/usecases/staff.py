"""Staff accounts: password hashing (argon2), this LSP's bearer tokens (HS256 JWT), login, and
the dev accounts seeded at start-up.

A token names the LSP in its audience (``lsp:LSP-A``) and is signed with the LSP's own secret,
so a token of one LSP is refused by every other.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jwt
from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError

from services.lsp.db.models import Staff
from shared.bus.envelope import utcnow
from shared.exceptions import Forbidden, Unauthenticated

if TYPE_CHECKING:
    from services.lsp.usecases.context import LspContext

ALGORITHM = "HS256"
BEARER = {"WWW-Authenticate": "Bearer"}
_HASHER = PasswordHasher()  # stateless: safe to share between LSP instances in one process
# Verified against when the username is unknown, so both cases take the same time. A fixed
# hash of "not-a-real-password" made with this hasher's parameters (hashing it at import cost
# every start ~100 ms of CPU and a 64 MiB peak); should the library's defaults ever change, it
# is made afresh so that the cost of verifying it still matches a real account's.
_FIXED_DUMMY_HASH = ("$argon2id$v=19$m=65536,t=3,p=4$wzRMSVYvYc/JDyX1nMIb3w$"
                     "0Q086CNzlKCGwKpDdc5stMLykt2PwEIxihjHkULzRXQ")
_DUMMY_HASH = (_FIXED_DUMMY_HASH if extract_parameters(_FIXED_DUMMY_HASH) == _HASHER._parameters
               else _HASHER.hash("not-a-real-password"))

# SPEC section 7: admin, asesor1, asesor2, komite. The komite may also assess, which is what
# makes "the komite cannot decide its own assessment" a real rule.
DEV_STAFF: dict[str, list[str]] = {
    "admin": ["admin"],
    "asesor1": ["asesor"],
    "asesor2": ["asesor"],
    "komite": ["komite", "asesor"],
}


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class StaffPrincipal:
    username: str
    roles: frozenset[str]
    lsp_code: str

    def has(self, role: str) -> bool:
        return role in self.roles


def audience(lsp_code: str) -> str:
    return f"lsp:{lsp_code}"


def issue_token(*, username: str, roles: list[str], lsp_code: str, secret: str, ttl_seconds: int) -> str:
    now = int(time.time())
    claims = {"sub": username, "roles": sorted(roles), "lsp_code": lsp_code, "aud": audience(lsp_code),
              "iat": now, "exp": now + ttl_seconds, "typ": "staff"}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(token: str, *, lsp_code: str, secret: str) -> StaffPrincipal:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], audience=audience(lsp_code),
                            options={"require": ["exp", "aud", "sub"]})
    except jwt.PyJWTError as exc:
        raise Unauthenticated(f"invalid staff token: {exc}", headers=BEARER) from exc
    if claims.get("typ") != "staff" or claims.get("lsp_code") != lsp_code:
        raise Unauthenticated("not a staff token of this LSP", headers=BEARER)
    return StaffPrincipal(str(claims["sub"]), frozenset(str(r) for r in claims.get("roles", [])), lsp_code)


def authenticate(ctx: LspContext, token: str | None) -> StaffPrincipal:
    """The staff member a bearer token names (``Unauthenticated`` if none or not valid here)."""
    if not token:
        raise Unauthenticated("missing bearer token", headers=BEARER)
    return read_token(token, lsp_code=ctx.code, secret=ctx.settings.jwt_secret.get_secret_value())


def require_role(staff: StaffPrincipal, roles: tuple[str, ...]) -> StaffPrincipal:
    """Admit staff holding at least one of ``roles``."""
    if not any(staff.has(r) for r in roles):
        raise Forbidden(f"this operation needs the role {' or '.join(repr(r) for r in roles)}",
                        required_role=list(roles))
    return staff


async def login(ctx: LspContext, username: str, password: str) -> dict[str, Any]:
    """``staff_login``: a bearer token for an active account with the right password."""
    async with ctx.sessions() as session:
        staff = await session.get(Staff, username)
    ok = verify_password(staff.password_hash if staff else None, password)
    if staff is None or not ok or not staff.active:
        raise Unauthenticated("wrong username or password", headers=BEARER,
                              errors=[{"field": "password", "message": "wrong username or password"}])
    ttl = ctx.settings.access_token_ttl_seconds
    token = issue_token(username=staff.username, roles=list(staff.roles), lsp_code=ctx.code,
                        secret=ctx.settings.jwt_secret.get_secret_value(), ttl_seconds=ttl)
    return {"access_token": token, "token_type": "bearer", "expires_in": ttl, "roles": sorted(staff.roles)}


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
                    password_hash = password_hash or hash_password(password)
                    session.add(Staff(username=username, password_hash=password_hash, roles=roles,
                                      active=True, created_at=utcnow()))
                    added += 1
    except IntegrityError:
        return 0
    return added
