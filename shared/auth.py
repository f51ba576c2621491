"""How the parties authenticate each other: short-lived EdDSA service tokens, each party signing
with its own Ed25519 private key (docs/CONTRACTS.md "Service identity").

The caller signs ``{"iss": caller, "sub": caller, "aud": callee, "iat", "exp", "typ": "service"}``
with header ``kid``; the callee picks the public key by ``kid`` from its trust list, requires the
key's registered issuer to be the token's ``iss``, checks ``aud``, ``exp`` and a cap on
``exp - iat``, and then admits only the callers each route names. No process holds another
party's private key, so no party can speak as another.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from fastapi import APIRouter, FastAPI, Request

from shared.devdefaults import dev_parties, dev_service_key, dev_service_kid
from shared.errors import Problem
from shared.servicekeys import Jwk, Jwks, TrustedKeyEntry, load_private_key, thumbprint
from shared.settings import ServiceSettings

ALGORITHM = "EdDSA"
# Verified service tokens remembered per identity (a few per calling party and audience).
VERIFIED_TOKENS_KEPT = 256
_BEARER = {"WWW-Authenticate": "Bearer"}


class ServiceTokenSigner:
    """Mints tokens for one party and caches each audience's token until near expiry."""

    def __init__(self, issuer: str, key: Ed25519PrivateKey, kid: str, ttl_seconds: int = 300) -> None:
        self.issuer = issuer
        self.key = key
        self.kid = kid
        self.ttl = ttl_seconds
        self._cache: dict[str, tuple[str, float]] = {}

    @classmethod
    def dev(cls, party: str, ttl_seconds: int = 300) -> ServiceTokenSigner:
        """``party``'s signer with its dev key (dev mode and tests)."""
        return cls(party, dev_service_key(party), dev_service_kid(party), ttl_seconds)

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.key.public_key()

    def token(self, audience: str) -> str:
        now = time.time()
        cached = self._cache.get(audience)
        if cached and cached[1] - 30 > now:
            return cached[0]
        exp = int(now) + self.ttl
        claims = {"iss": self.issuer, "sub": self.issuer, "aud": audience, "iat": int(now), "exp": exp,
                  "typ": "service"}
        tok = jwt.encode(claims, self.key, algorithm=ALGORITHM, headers={"kid": self.kid})
        self._cache[audience] = (tok, exp)
        return tok


@dataclass(frozen=True)
class TrustedKey:
    kid: str
    issuer: str
    public_key: Ed25519PublicKey


def trusted_keys(entries: Iterable[TrustedKeyEntry | TrustedKey]) -> dict[str, TrustedKey]:
    out: dict[str, TrustedKey] = {}
    for e in entries:
        out[e.kid] = e if isinstance(e, TrustedKey) else TrustedKey(e.kid, e.iss, e.public_key())
    return out


def _refuse(detail: str = "invalid service token") -> Problem:
    return Problem(401, detail, headers=_BEARER, errors=[{"field": "authorization", "message": detail}])


def verify_service_token(token: str, *, trusted: Mapping[str, TrustedKey], audience: str,
                         max_lifetime: int = 600, leeway: int = 30) -> str:
    """The calling party's name (``iss``), or :class:`Problem` 401. The details never carry the
    library's own messages."""
    return _verify(token, trusted=trusted, audience=audience, max_lifetime=max_lifetime, leeway=leeway)[0]


def _verify(token: str, *, trusted: Mapping[str, TrustedKey], audience: str, max_lifetime: int,
            leeway: int) -> tuple[str, int]:
    """The calling party's name and the token's ``exp``."""
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        raise _refuse() from None
    key = trusted.get(kid) if isinstance(kid, str) else None
    if key is None:
        raise _refuse("service token signed with an unknown key")
    try:
        claims: dict[str, Any] = jwt.decode(
            token, key.public_key, algorithms=[ALGORITHM], audience=audience, issuer=key.issuer, leeway=leeway,
            options={"require": ["iss", "sub", "aud", "iat", "exp"]})
    except jwt.ExpiredSignatureError:
        raise _refuse("service token expired") from None
    except jwt.PyJWTError:
        raise _refuse() from None
    if claims.get("typ") != "service" or claims.get("sub") != key.issuer:
        raise _refuse()
    if int(claims["exp"]) - int(claims["iat"]) > max_lifetime:
        raise _refuse(f"service token lifetime exceeds {max_lifetime} seconds")
    return key.issuer, int(claims["exp"])


class ServiceIdentity:
    """A party's own signer, the keys it trusts, and what it publishes at ``/.well-known/jwks.json``."""

    def __init__(self, signer: ServiceTokenSigner, trusted: Iterable[TrustedKeyEntry | TrustedKey], *,
                 previous: Iterable[TrustedKeyEntry | TrustedKey] = (), max_lifetime: int = 600,
                 leeway: int = 30) -> None:
        self.signer = signer
        self.trusted = trusted_keys(trusted)
        self.previous = list(trusted_keys(previous).values())
        self.max_lifetime = max_lifetime
        self.leeway = leeway
        # A caller sends the same token until near its expiry (its signer caches it), so each
        # token's signature is checked once: (token, audience) -> (issuer, exp). Only tokens that
        # passed every check are kept, the trusted keys are fixed for this identity's life, and
        # expiry is checked again on every use.
        self._verified: dict[tuple[str, str], tuple[str, int]] = {}

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> ServiceIdentity:
        name = settings.service_name
        pem = settings.service_signing_key_pem.get_secret_value()
        if pem.strip():
            key = load_private_key(pem)
            signer = ServiceTokenSigner(name, key, settings.service_signing_kid or thumbprint(key.public_key()),
                                        settings.service_token_ttl_seconds)
        else:  # dev mode only: production refuses an empty key
            signer = ServiceTokenSigner.dev(name, settings.service_token_ttl_seconds)
        trusted: list[TrustedKeyEntry | TrustedKey] = []
        if settings.is_dev:
            trusted += [TrustedKey(dev_service_kid(p), p, dev_service_key(p).public_key()) for p in dev_parties(name)]
        trusted += settings.service_trusted_keys
        # Its own other keys in its trust list (the previous one during a rotation) are published too.
        previous = [e for e in settings.service_trusted_keys if e.iss == name and e.kid != signer.kid]
        return cls(signer, trusted, previous=previous, max_lifetime=settings.service_token_max_lifetime_seconds,
                   leeway=settings.service_token_leeway_seconds)

    def verify(self, token: str, audience: str) -> str:
        known = self._verified.get((token, audience))
        if known is not None and known[1] > time.time() - self.leeway:
            return known[0]
        issuer, exp = _verify(token, trusted=self.trusted, audience=audience, max_lifetime=self.max_lifetime,
                              leeway=self.leeway)
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:  # old tokens: their callers moved on
            self._verified.clear()
        self._verified[(token, audience)] = (issuer, exp)
        return issuer

    def jwks(self) -> Jwks:
        """This party's current key, then its previous ones (during a rotation)."""
        own = [Jwk.of(self.signer.public_key, self.signer.kid, self.signer.issuer)]
        return Jwks(keys=own + [Jwk.of(k.public_key, k.kid, k.issuer) for k in self.previous])


def install_jwks(app: FastAPI, identity: ServiceIdentity) -> None:
    """``GET /.well-known/jwks.json``: public, so that operators assemble the trust lists."""
    router = APIRouter(tags=["operations"])

    @router.get("/.well-known/jwks.json", operation_id="jwks", response_model=Jwks,
                summary="This party's public service-token keys")
    async def jwks() -> Jwks:
        return identity.jwks()

    app.include_router(router)


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise _refuse("missing bearer token")
    return token.strip()


def service_caller_dependency(audience: str, allowed: Callable[[str], bool]) -> Callable[[Request], Awaitable[str]]:
    """A FastAPI dependency that admits only service callers for which ``allowed`` holds (403 for
    another party), verified against the app's runtime identity."""

    async def dependency(request: Request) -> str:
        identity: ServiceIdentity = request.app.state.runtime.identity
        caller = identity.verify(bearer_token(request), audience)
        if not allowed(caller):
            raise Problem(403, f"service {caller!r} may not call this operation",
                          errors=[{"field": "authorization", "message": "this party may not call this operation"}])
        return caller

    return dependency
