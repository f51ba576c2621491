"""Issue 11 on the running chain (every service its own process): each party publishes its own
key, and a token an LSP signs while claiming another party is refused at every service."""

from __future__ import annotations

import httpx
import pytest

from scripts.simulator.chains import RunningChain
from shared.auth import ServiceTokenSigner
from shared.tests.tokens import attacks, bearer

pytestmark = pytest.mark.chain

# One route per service that admits service tokens, with a body that would otherwise be read.
ROUTES = {
    "portal": ("GET", "/api/v1/internal/documents/no-such-document", None),
    "siki": ("POST", "/api/v1/skk/query", {"nik": "3171011708900001"}),
    "bnsp": ("POST", "/api/v1/issuances", {}),
    "lpjk": ("POST", "/api/v1/records", {}),
}


async def test_every_party_publishes_its_own_key(running_chain: RunningChain) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        for name, party in (("portal", "portal"), ("siki", "siki"), ("bnsp", "bnsp"), ("lpjk", "lpjk"),
                            ("LSP-A", "lsp:LSP-A"), ("LSP-B", "lsp:LSP-B")):
            r = await http.get(running_chain.urls[name] + "/.well-known/jwks.json")
            assert r.status_code == 200, (name, r.text)
            assert [(k["kid"], k["iss"]) for k in r.json()["keys"]] == [(f"dev:{party}", party)]


async def test_forged_service_tokens_are_refused_at_every_service(running_chain: RunningChain) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        for service, (method, path, body) in ROUTES.items():
            for attack, token in attacks(service).items():
                r = await http.request(method, running_chain.urls[service] + path, json=body, headers=bearer(token))
                assert r.status_code == 401, (service, attack, r.text)
        # LSP-A's own, valid token: SIKI's portal-only query is not for it.
        own = ServiceTokenSigner.dev("lsp:LSP-A").token("siki")
        method, path, body = ROUTES["siki"]
        r = await http.request(method, running_chain.urls["siki"] + path, json=body, headers=bearer(own))
        assert r.status_code == 403, r.text
