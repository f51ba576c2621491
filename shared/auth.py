"""How services authenticate each other: short-lived HS256 service tokens.

The caller signs ``{"sub": caller, "aud": target, "exp": ...}`` with the shared
``SKK_SERVICE_TOKEN_SECRET``; the callee accepts only the callers it names.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import jwt
from fastapi import Request

from shared.errors import Problem

ALGORITHM = "HS256"


class ServiceTokenSigner:
    """Mints tokens for one caller and caches each audience's token until near expiry."""

    def __init__(self, caller: str, secret: str, ttl_seconds: int = 300) -> None:
        self.caller = caller
        self.secret = secret
        self.ttl = ttl_seconds
        self._cache: dict[str, tuple[str, float]] = {}

    def token(self, audience: str) -> str:
        now = time.time()
        cached = self._cache.get(audience)
        if cached and cached[1] - 30 > now:
            return cached[0]
        exp = now + self.ttl
        tok = jwt.encode({"sub": self.caller, "aud": audience, "iat": int(now), "exp": int(exp), "typ": "service"},
                         self.secret, algorithm=ALGORITHM)
        self._cache[audience] = (tok, exp)
        return tok


def verify_service_token(token: str, *, secret: str, audience: str) -> str:
    """Returns the caller's name, or raises :class:`Problem` 401."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], audience=audience,
                            options={"require": ["exp", "aud", "sub"]})
    except jwt.PyJWTError as exc:
        raise Problem(401, f"invalid service token: {exc}", headers={"WWW-Authenticate": "Bearer"}) from exc
    if claims.get("typ") != "service":
        raise Problem(401, "not a service token", headers={"WWW-Authenticate": "Bearer"})
    return str(claims["sub"])


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Problem(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


def service_caller_dependency(
    secret_getter: Callable[[Request], str], audience_getter: Callable[[Request], str], allowed: Callable[[str], bool]
) -> Callable[[Request], Awaitable[str]]:
    """A FastAPI dependency that admits only service callers for which ``allowed`` holds."""

    async def dependency(request: Request) -> str:
        caller = verify_service_token(
            bearer_token(request), secret=secret_getter(request), audience=audience_getter(request)
        )
        if not allowed(caller):
            raise Problem(403, f"service {caller!r} may not call this operation")
        return caller

    return dependency
