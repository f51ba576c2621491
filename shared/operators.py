"""Operator accounts: one per person, with roles, in SIKI, LPJK, BNSP and the portal.

An operator is created from the command line (``python -m services.<svc> create-operator``),
logs in with an email and a password (argon2id), and calls with a short-lived bearer token
(HS256 under the service's ``operator_jwt_secret``, audience ``<service>-operator``). The token
names the account and its token version only: every request reads the account's active flag,
version and roles (through a cache of a few seconds), so a deactivation, a removed role, a
logout or a password change counts from the next request, not from the token's expiry.

Services keep their own keys for calling each other (shared/auth.py); operator tokens are for
people only. Role ``admin`` implies every role of the service. The use cases are in
shared/operator_accounts.py, the routes in shared/operators_api.py.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

import jwt
import sqlalchemy as sa
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import Field, SecretStr
from sqlalchemy.orm import Mapped, mapped_column

from shared.devdefaults import PARTIES
from shared.exceptions import Forbidden, Unauthenticated
from shared.hashing import BoundedHasher
from shared.settings import ServiceSettings
from shared.throttle import Rule

ADMIN = "admin"
AUDIT = "audit"
ALGORITHM = "HS256"
TOKEN_TYPE = "operator"
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 hashes whatever it is given: no megabyte "passwords"
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 100
BEARER = {"WWW-Authenticate": "Bearer"}
WRONG_LOGIN = "wrong email or password"

# Failed logins, counted per (email, client) with growing waits and per client across emails
# (one address trying many accounts). Never per email alone: anyone could then lock an
# operator out from wherever they are.
LOGIN_PER_ACCOUNT_AND_CLIENT = Rule("operator-login-account-client", "5/minute;10/15minutes;20/hour")
LOGIN_PER_CLIENT = Rule("operator-login-client", "30/minute;100/hour")


# --- settings ------------------------------------------------------------------------------


def dev_operator_jwt_secret(service: str) -> str:
    """``service``'s dev-only operator token secret, derivable by anyone: production refuses it."""
    return hashlib.sha256(f"skk-dev-only:operator-jwt:{service}".encode()).hexdigest()


def dev_operator_email(service: str) -> str:
    """The dev operator a dev-mode service seeds (password ``SKK_DEV_PASSWORD``, role admin)."""
    return f"operator@{service}.dev"


class OperatorSettings(ServiceSettings):
    """What a service with operator accounts adds to its settings (each lists
    ``operator_jwt_secret`` in its ``secret_fields``)."""

    secret_fields: ClassVar[tuple[str, ...]] = (*ServiceSettings.secret_fields, "operator_jwt_secret")

    # Signs operators' bearer tokens (HS256). Empty in dev mode: a secret derived from the
    # service's name, which production refuses.
    operator_jwt_secret: SecretStr = SecretStr("")
    operator_token_ttl_seconds: int = Field(3600, gt=0, le=12 * 3600)
    # How long a request may rely on an earlier read of the operator's account (active, token
    # version, roles): a deactivation in another process counts within this many seconds; a
    # token newer than the read is read afresh (shared/account_cache.py).
    operator_recheck_seconds: float = Field(5.0, ge=0, le=60)
    # Dev mode: an operator operator@<service>.dev with role admin and SKK_DEV_PASSWORD.
    seed_dev_operator: bool = True

    def operator_secret(self) -> str:
        return self.operator_jwt_secret.get_secret_value() or dev_operator_jwt_secret(self.service_name)

    def secret_problem(self, name: str) -> str | None:
        if name == "operator_jwt_secret":
            value = self.operator_jwt_secret.get_secret_value().strip()
            if value and value in {dev_operator_jwt_secret(p) for p in (*PARTIES, self.service_name)}:
                return "the published dev value"
        return super().secret_problem(name)


# --- the table ------------------------------------------------------------------------------


class OperatorMixin:
    """The ``operators`` table (each service's db/models.py declares ``Operator``)."""

    __tablename__ = "operators"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    # Normalised (trimmed, lower case): one account per address whatever the spelling.
    email: Mapped[str] = mapped_column(sa.String(MAX_EMAIL_LENGTH), nullable=False, unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(MAX_NAME_LENGTH), nullable=False)
    roles: Mapped[list[str]] = mapped_column(sa.JSON, nullable=False)
    password_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False)
    # Every token carries the version it was issued under; bumping it ends them all.
    token_version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), nullable=True)


# --- input rules ----------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    if not email or len(email) > MAX_EMAIL_LENGTH or _CONTROL.search(email) or not _EMAIL.match(email):
        return f"an email address (name@domain, at most {MAX_EMAIL_LENGTH} characters)"
    return None


def name_problem(name: str) -> str | None:
    if not name.strip() or len(name) > MAX_NAME_LENGTH or _CONTROL.search(name):
        return f"1 to {MAX_NAME_LENGTH} characters, no control characters or line breaks"
    return None


def password_problem(password: str, email: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"at most {MAX_PASSWORD_LENGTH} characters"
    if password.strip().lower() in {normalize_email(email), normalize_email(email).split("@")[0]}:
        return "must not be the email address"
    return None


def roles_problem(roles: Collection[str], known: Collection[str]) -> str | None:
    unknown = sorted(set(roles) - {*known, ADMIN})
    if not roles:
        return "at least one role"
    if unknown:
        return f"unknown role(s) {', '.join(unknown)}; known: {', '.join(sorted({*known, ADMIN}))}"
    return None


# --- passwords and tokens -------------------------------------------------------------------

_HASHER = BoundedHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so both cases cost the same time (made on
    first use: hashing at import would cost every process start ~100 ms and 64 MiB)."""
    return _HASHER.hash("not-a-real-operator-password")


async def hash_password(password: str) -> str:
    return await _HASHER.hash_off_loop(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _verify_or_dummy(password_hash: str | None, password: str) -> bool:
    # The dummy hash is made here, in the worker thread, the first time an unknown email logs in.
    return _verify(password_hash or _dummy_hash(), password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    ok = await _HASHER.off_loop(_verify_or_dummy, password_hash, password)
    return ok and password_hash is not None


def audience(service: str) -> str:
    return f"{service}-operator"


def mint_token(*, service: str, operator_id: str, token_version: int, secret: str, ttl_seconds: int,
               now: float | None = None) -> str:
    issued = int(time.time() if now is None else now)
    # No roles in the token: the account's current roles are read on every request.
    claims = {"sub": operator_id, "ver": token_version, "aud": audience(service), "iss": service,
              "iat": issued, "exp": issued + ttl_seconds, "typ": TOKEN_TYPE}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def refused(message: str) -> Unauthenticated:
    return Unauthenticated(message, headers=BEARER, errors=[{"field": "authorization", "message": message}])


def read_token(token: str, *, service: str, secret: str) -> tuple[str, int]:
    """The operator id and token version an operator token of ``service`` names."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], audience=audience(service), issuer=service,
                            options={"require": ["exp", "iat", "aud", "iss", "sub", "ver"]})
    except jwt.ExpiredSignatureError as exc:
        raise refused("the operator token has expired; log in again") from exc
    except jwt.PyJWTError as exc:  # the library's reason stays out of the answer
        raise refused(f"not a valid operator token of {service}; log in again") from exc
    version = claims.get("ver")
    if claims.get("typ") != TOKEN_TYPE or not isinstance(version, int) or isinstance(version, bool):
        raise refused(f"not a valid operator token of {service}; log in again")
    return str(claims["sub"]), version


def is_operator_token(token: str, service: str) -> bool:
    """Whether ``token`` claims to be an operator token of ``service`` (unverified: only to pick
    which verification applies, the caller then verifies it fully)."""
    try:
        return jwt.decode(token, options={"verify_signature": False}).get("aud") == audience(service)
    except jwt.PyJWTError:
        return False


# --- who is calling -------------------------------------------------------------------------


@dataclass(frozen=True)
class OperatorPrincipal:
    """The operator behind a request, with the roles the account holds now and where the request
    came from (for the audit log)."""

    id: str
    email: str
    full_name: str
    roles: frozenset[str]
    service: str
    client: str = "unknown"

    @property
    def actor(self) -> str:
        """How the audit log names this operator."""
        return f"operator:{self.service}:{self.email}"

    def has(self, role: str) -> bool:
        return ADMIN in self.roles or role in self.roles

    def require(self, *roles: str) -> OperatorPrincipal:
        """This operator if it holds one of ``roles`` (``admin`` holds them all), else Forbidden."""
        if roles and not any(self.has(r) for r in roles):
            needed = " or ".join(repr(r) for r in roles)
            raise Forbidden(f"this operation needs the operator role {needed}", required_role=list(roles),
                            errors=[{"field": "authorization", "message": f"needs the operator role {needed}"}])
        return self
