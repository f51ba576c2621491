"""Service tokens as an attacker (or a careless party) would mint them, for the identity tests."""

from __future__ import annotations

import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.devdefaults import dev_service_key, dev_service_kid

# The parties an LSP might try to pass itself off as.
IMPERSONATED = ("portal", "siki", "lsp:LSP-B")


def forged(audience: str, *, claim: str, key: Ed25519PrivateKey | None = None, kid: str | None = None,
           signer: str = "lsp:LSP-A", lifetime: int = 300, iat_offset: int = 0, **over: Any) -> str:
    """A token claiming ``iss``/``sub`` = ``claim``, signed by ``signer``'s own key (by default
    LSP-A's dev key, under LSP-A's kid): what an LSP process could make with what it holds."""
    now = int(time.time()) + iat_offset
    claims: dict[str, Any] = {"iss": claim, "sub": claim, "aud": audience, "iat": now, "exp": now + lifetime,
                              "typ": "service", **over}
    return jwt.encode(claims, key or dev_service_key(signer), algorithm="EdDSA",
                      headers={"kid": kid or dev_service_kid(signer)})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def attacks(audience: str) -> dict[str, str]:
    """Every forgery an LSP-A process could try at ``audience``, by name."""
    out = {f"LSP-A's key claiming {who}": forged(audience, claim=who) for who in IMPERSONATED}
    out |= {f"LSP-A's key under {who}'s kid": forged(audience, claim=who, kid=dev_service_kid(who))
            for who in IMPERSONATED}
    out["unknown kid"] = forged(audience, claim="lsp:LSP-A", key=Ed25519PrivateKey.generate(), kid="stray-1")
    out["ten-year token"] = forged(audience, claim="lsp:LSP-A", lifetime=10 * 365 * 86400)
    out["issued in the future"] = forged(audience, claim="lsp:LSP-A", iat_offset=3600)
    return out
