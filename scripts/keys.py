"""Service keys for operators (README "Service keys").

``python -m scripts.keys service --party portal``
    a fresh Ed25519 key pair for one party: the private key (PEM, for that party's
    ``SKK_SERVICE_SIGNING_KEY_PEM`` only), its key id, its public JWK and its trust-list entry.

``python -m scripts.keys trust JWKS [JWKS ...]``
    the ``SKK_SERVICE_TRUSTED_KEYS`` value (one JSON line) from the parties' published
    ``/.well-known/jwks.json`` documents (files or URLs); each key carries its party (``iss``).
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from shared.servicekeys import Jwk, Jwks, TrustedKeyEntry, private_pem, thumbprint


def service_key(party: str, kid: str | None = None) -> dict[str, Any]:
    """A new key pair for ``party`` in every form an operator needs."""
    key = Ed25519PrivateKey.generate()
    kid = kid or thumbprint(key.public_key())
    return {
        "party": party,
        "kid": kid,
        "private_key_pem": private_pem(key),
        "public_jwk": Jwk.of(key.public_key(), kid, party).model_dump(),
        "trusted_key_entry": TrustedKeyEntry.of(key.public_key(), kid, party).model_dump(),
    }


def _read(source: str) -> Jwks:
    if source.startswith(("http://", "https://")):
        resp = httpx.get(source, timeout=10)
        resp.raise_for_status()
        return Jwks.model_validate(resp.json())
    return Jwks.model_validate_json(Path(source).read_text(encoding="utf-8"))


def trust_list(sources: list[str]) -> list[dict[str, str]]:
    """The trust entries of every key the JWKS documents publish."""
    entries: dict[str, dict[str, str]] = {}
    for source in sources:
        for jwk in _read(source).keys:
            public = Ed25519PublicKey.from_public_bytes(_unb64(jwk.x))
            entries[jwk.kid] = TrustedKeyEntry.of(public, jwk.kid, jwk.iss).model_dump()
    return list(entries.values())


def _unb64(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="scripts.keys", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("service", help="a new service-token key pair for one party")
    s.add_argument("--party", required=True, help="portal, siki, bnsp, lpjk or lsp:<code>")
    s.add_argument("--kid", default=None, help="key id (default: the RFC 7638 thumbprint)")
    s.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    t = sub.add_parser("trust", help="SKK_SERVICE_TRUSTED_KEYS from published JWKS documents")
    t.add_argument("jwks", nargs="+", help="files or URLs of /.well-known/jwks.json")
    args = p.parse_args(argv)
    if args.command == "trust":
        print(json.dumps(trust_list(args.jwks)))
        return 0
    out = service_key(args.party, args.kid)
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    sys.stdout.write(
        f"# {args.party}: private key, for its own SKK_SERVICE_SIGNING_KEY_PEM only (keep it secret)\n"
        f"{out['private_key_pem']}"
        f"# key id (SKK_SERVICE_SIGNING_KID, or leave unset: it is the default)\n{out['kid']}\n"
        f"# public JWK (what {args.party} publishes at /.well-known/jwks.json)\n{json.dumps(out['public_jwk'])}\n"
        f"# trust-list entry: add it to SKK_SERVICE_TRUSTED_KEYS of every party it calls\n"
        f"{json.dumps(out['trusted_key_entry'])}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
