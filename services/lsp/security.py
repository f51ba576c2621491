"""Staff accounts: password hashing (argon2) and this LSP's bearer tokens (HS256 JWT).

A token names the LSP in its audience (``lsp:LSP-A``) and is signed with the LSP's own secret,
so a token of one LSP is refused by every other.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt
from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError

from shared.errors import Problem

ALGORITHM = "HS256"
_HASHER = PasswordHasher()  # stateless: safe to share between LSP instances in one process
# Verified against when the username is unknown, so both cases take the same time. A fixed
# hash of "not-a-real-password" made with this hasher's parameters (hashing it at import cost
# every start ~100 ms of CPU and a 64 MiB peak); should the library's defaults ever change, it
# is made afresh so that the cost of verifying it still matches a real account's.
_FIXED_DUMMY_HASH = ("$argon2id$v=19$m=65536,t=3,p=4$wzRMSVYvYc/JDyX1nMIb3w$"
                     "0Q086CNzlKCGwKpDdc5stMLykt2PwEIxihjHkULzRXQ")
_DUMMY_HASH = (_FIXED_DUMMY_HASH if extract_parameters(_FIXED_DUMMY_HASH) == _HASHER._parameters
               else _HASHER.hash("not-a-real-password"))


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
        raise Problem(401, f"invalid staff token: {exc}", headers={"WWW-Authenticate": "Bearer"}) from exc
    if claims.get("typ") != "staff" or claims.get("lsp_code") != lsp_code:
        raise Problem(401, "not a staff token of this LSP", headers={"WWW-Authenticate": "Bearer"})
    return StaffPrincipal(str(claims["sub"]), frozenset(str(r) for r in claims.get("roles", [])), lsp_code)
