"""Applicants' passwords (argon2) and bearer tokens (HS256 JWT, carrying the user's token version)."""

from __future__ import annotations

import time

import jwt
from argon2 import extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError

from shared.exceptions import Unauthenticated
from shared.hashing import BoundedHasher
from shared.lapsing import Lapsing

ALGORITHM = "HS256"
ACCESS_TYPE = "access"

_FIELD = [{"field": "authorization", "message": "invalid or expired bearer token"}]

_hasher = BoundedHasher()
# Verified against when the email is unknown, so a miss costs as much time as a hit. A fixed
# hash of "not-a-real-password-0" with this hasher's parameters: hashing it at import cost every
# start ~100 ms of CPU and a 64 MiB peak. Should the library's defaults change, it is made afresh
# so that verifying it still costs what a real account's hash costs.
_FIXED_DUMMY_HASH = ("$argon2id$v=19$m=65536,t=3,p=4$0RPCYaJlquNT60lZcRM4Jg$"
                     "fP5joAp3VpakpNjQ6s+IH5w/vAOWDKYf1HUcL6U+SWo")
_DUMMY_HASH = (_FIXED_DUMMY_HASH if extract_parameters(_FIXED_DUMMY_HASH) == _hasher._parameters
               else _hasher.hash("not-a-real-password-0"))


async def hash_password(password: str) -> str:
    """argon2id in a worker thread: never on the event loop (shared/hashing.py)."""
    return await _hasher.hash_off_loop(password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return await _hasher.verify_off_loop(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def mint_access_token(user_id: str, *, secret: str, ttl_seconds: int, now: float | None = None,
                      version: int = 0) -> str:
    """``version``: the user's token version now (``users.token_version``); bumping it ends the token."""
    issued = int(now if now is not None else time.time())
    claims = {"sub": user_id, "iat": issued, "exp": issued + ttl_seconds, "typ": ACCESS_TYPE, "iss": "portal",
              "ver": version}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


# Tokens this process verified: token -> (secret, user id, version). An applicant polling their
# application sends the same token on every request, and verifying it (HMAC, JSON, claim checks)
# was most of the cost of ``current_user``. The same bytes under the same secret verify the same
# way, so an entry answers until the token's exp (as the full decode would: valid while now <
# exp), and at most VERIFIED_FOR seconds: the cache then holds the tokens in use, not every token
# of the last 15 minutes. A lapsed entry means a full decode again (an expired token is refused
# as before); lapsed entries are dropped as the cache grows (shared/lapsing.py).
_VERIFIED: Lapsing[str, tuple[str, str, int]] = Lapsing(10_000)
VERIFIED_FOR = 60.0


def read_access_claims(token: str, *, secret: str) -> tuple[str, int]:
    """The user id the token names and the token version it was minted under, or :class:`Unauthenticated`."""
    now = time.time()
    known = _VERIFIED.get(token, now)
    if known is not None and known[0] == secret:
        return known[1], known[2]
    user_id, version, exp = _decode_access(token, secret)
    _VERIFIED.put(token, (secret, user_id, version), until=min(exp, now + VERIFIED_FOR), now=now)
    return user_id, version


def _decode_access(token: str, secret: str) -> tuple[str, int, float]:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer="portal",
                            options={"require": ["exp", "sub", "iat"]})
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("the access token has expired; log in again",
                              headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}, errors=_FIELD) from exc
    except jwt.PyJWTError as exc:
        raise Unauthenticated("invalid access token",
                              headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}, errors=_FIELD) from exc
    version = claims.get("ver", 0)
    if claims.get("typ") != ACCESS_TYPE or not isinstance(version, int):
        raise Unauthenticated("not an access token", headers={"WWW-Authenticate": "Bearer"}, errors=_FIELD)
    return str(claims["sub"]), version, float(claims["exp"])


def read_access_token(token: str, *, secret: str) -> str:
    """The user id the token names, or :class:`Unauthenticated` (signature and expiry only)."""
    return read_access_claims(token, secret=secret)[0]
