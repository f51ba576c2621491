"""Service identity (issue 11): each party signs its own tokens with its own Ed25519 key; a callee
believes a token only for the party its key is registered to, within a capped lifetime."""

from __future__ import annotations

import json
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from pydantic import ValidationError

from shared.auth import ServiceIdentity, ServiceTokenSigner, TrustedKey, install_jwks, verify_service_token
from shared.devdefaults import dev_service_key, dev_service_kid
from shared.errors import Problem
from shared.servicekeys import (
    TrustedKeyEntry,
    load_private_key,
    new_private_key_pem,
    private_pem,
    public_pem,
    thumbprint,
)
from shared.settings import ServiceSettings
from shared.tests.datakeys import production_data_keys
from shared.tests.tokens import attacks, forged

DEV_SIKI = ServiceIdentity.from_settings(ServiceSettings(service_name="siki"))


def _refused(identity: ServiceIdentity, token: str, audience: str = "siki") -> str:
    with pytest.raises(Problem) as refused:
        identity.verify(token, audience)
    assert refused.value.status == 401
    return refused.value.detail


def test_a_token_names_its_party_key_audience_and_a_short_lifetime() -> None:
    tok = ServiceTokenSigner.dev("portal").token("siki")
    assert jwt.get_unverified_header(tok) == {"alg": "EdDSA", "kid": "dev:portal", "typ": "JWT"}
    claims = jwt.decode(tok, options={"verify_signature": False})
    assert claims["iss"] == claims["sub"] == "portal" and claims["aud"] == "siki" and claims["typ"] == "service"
    assert claims["exp"] - claims["iat"] == 300
    assert DEV_SIKI.verify(tok, "siki") == "portal"


@pytest.mark.parametrize("attack", sorted(attacks("siki")))
def test_an_lsp_cannot_speak_as_another_party(attack: str) -> None:
    detail = _refused(DEV_SIKI, attacks("siki")[attack])
    # Our own words, never the library's (which would tell an attacker what to fix).
    assert detail in ("invalid service token", "service token signed with an unknown key",
                      "service token lifetime exceeds 600 seconds")


def test_the_refusals_say_why_without_the_library_internals() -> None:
    assert _refused(DEV_SIKI, forged("siki", claim="portal")) == "invalid service token"
    assert _refused(DEV_SIKI, forged("siki", claim="lsp:LSP-A", kid="nobody")) == \
        "service token signed with an unknown key"
    assert _refused(DEV_SIKI, forged("siki", claim="lsp:LSP-A", lifetime=10 * 365 * 86400)) == \
        "service token lifetime exceeds 600 seconds"
    assert _refused(DEV_SIKI, forged("siki", claim="lsp:LSP-A", lifetime=-120)) == "service token expired"
    assert _refused(DEV_SIKI, "not.a.jwt") == "invalid service token"


@pytest.mark.parametrize("over", [
    {"typ": "user"}, {"sub": "portal"}, {"aud": "lpjk"}, {"iat": None}, {"exp": None}, {"iss": None},
])
def test_claims_that_do_not_fit_are_refused(over: dict[str, Any]) -> None:
    claims = {k: v for k, v in over.items() if v is not None}
    tok = forged("siki", claim="lsp:LSP-A", **claims)
    if None in over.values():  # drop the claim instead
        key = dev_service_key("lsp:LSP-A")
        body = jwt.decode(tok, options={"verify_signature": False})
        body = {k: v for k, v in body.items() if k not in over}
        tok = jwt.encode(body, key, algorithm="EdDSA", headers={"kid": dev_service_kid("lsp:LSP-A")})
    _refused(DEV_SIKI, tok)


def test_a_token_of_another_algorithm_is_refused() -> None:
    claims = {"iss": "portal", "sub": "portal", "aud": "siki", "iat": 1, "exp": 2 ** 31, "typ": "service"}
    hmac = jwt.api_jws.PyJWS().encode(json.dumps(claims).encode(), "x" * 32, algorithm="HS256",
                                      headers={"kid": "dev:portal"})
    _refused(DEV_SIKI, hmac)
    unsigned = jwt.api_jws.PyJWS().encode(json.dumps(claims).encode(), "", algorithm="none",
                                          headers={"kid": "dev:portal"})
    _refused(DEV_SIKI, unsigned)


def test_two_keys_of_one_party_are_valid_at_once_during_a_rotation() -> None:
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    trusted = [TrustedKeyEntry.of(old.public_key(), "portal-2025", "portal"),
               TrustedKeyEntry.of(new.public_key(), "portal-2026", "portal")]
    siki = ServiceIdentity(ServiceTokenSigner.dev("siki"), trusted)
    for key, kid in ((old, "portal-2025"), (new, "portal-2026")):
        assert siki.verify(ServiceTokenSigner("portal", key, kid).token("siki"), "siki") == "portal"
    # Swapping the kids does not help: each key is checked as the one registered under its kid.
    _refused(siki, ServiceTokenSigner("portal", old, "portal-2026").token("siki"))
    # Once the old key is taken out of the trust list, its tokens stop working.
    after = ServiceIdentity(ServiceTokenSigner.dev("siki"), trusted[1:])
    _refused(after, ServiceTokenSigner("portal", old, "portal-2025").token("siki"))


def test_production_trusts_only_the_configured_keys() -> None:
    portal_key = Ed25519PrivateKey.generate()
    settings = ServiceSettings(
        mode="production", service_name="siki", service_signing_key_pem=new_private_key_pem(),
        service_trusted_keys=[TrustedKeyEntry.of(portal_key.public_key(), "portal-1", "portal")],
        **production_data_keys())
    siki = ServiceIdentity.from_settings(settings)
    assert set(siki.trusted) == {"portal-1"}
    assert siki.signer.kid == thumbprint(siki.signer.public_key)  # the default kid
    assert siki.verify(ServiceTokenSigner("portal", portal_key, "portal-1").token("siki"), "siki") == "portal"
    _refused(siki, ServiceTokenSigner.dev("portal").token("siki"))


def test_the_trust_list_reads_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    monkeypatch.setenv("SKK_SERVICE_TRUSTED_KEYS", json.dumps([
        {"kid": "a", "iss": "lsp:LSP-A", "public_key_pem": public_pem(a.public_key())},
        {"kid": "b", "iss": "lsp:LSP-A", "public_key_pem": public_pem(b.public_key())}]))
    monkeypatch.setenv("SKK_SERVICE_SIGNING_KEY_PEM", private_pem(Ed25519PrivateKey.generate()))
    monkeypatch.setenv("SKK_SERVICE_SIGNING_KID", "bnsp-2026")
    identity = ServiceIdentity.from_settings(ServiceSettings(service_name="bnsp", mode="production",
                                                             **production_data_keys()))
    assert identity.signer.kid == "bnsp-2026" and set(identity.trusted) == {"a", "b"}
    monkeypatch.setenv("SKK_SERVICE_TRUSTED_KEYS", json.dumps([{"kid": "a", "iss": "x", "public_key_pem": "junk"}]))
    with pytest.raises(ValidationError, match="service_trusted_keys"):
        ServiceSettings()


def _echoes(text: str, secret: str) -> bool:
    """Whether ``text`` shows any eight characters of the key material in ``secret``."""
    body = "".join(line for line in secret.splitlines() if not line.startswith("-----"))
    return "PRIVATE KEY" in text or any(body[i:i + 8] in text for i in range(len(body) - 7))


@pytest.mark.parametrize("party", ["portal", "siki", "bnsp", "lpjk", "lsp:LSP-A", "lsp:LSP-B", "lsp:LSP-C"])
def test_production_refuses_a_dev_signing_key_without_echoing_it(party: str) -> None:
    pem = private_pem(dev_service_key(party))
    # Its own dev key; a known party's dev key on another service; an LSP's named by the trust list.
    attempts: list[dict[str, object]] = [{"service_name": party}]
    if not party.endswith("LSP-C"):
        attempts.append({"service_name": "lpjk" if party != "lpjk" else "bnsp"})
    attempts.append({"service_name": "bnsp", "service_trusted_keys": [
        TrustedKeyEntry.of(Ed25519PrivateKey.generate().public_key(), "x", party)]})
    for over in attempts:
        with pytest.raises(ValidationError) as refused:
            ServiceSettings(mode="production", service_signing_key_pem=pem, **over)  # type: ignore[arg-type]
        text = str(refused.value)
        assert "SKK_SERVICE_SIGNING_KEY_PEM" in text and "refuses dev service keys" in text
        assert not _echoes(text, pem), text


def test_production_refuses_dev_keys_in_the_trust_list() -> None:
    dev_entry = TrustedKeyEntry.of(dev_service_key("lsp:LSP-Z").public_key(), "sneaky", "lsp:LSP-Z")
    real = TrustedKeyEntry.of(Ed25519PrivateKey.generate().public_key(), "real", "portal")
    with pytest.raises(ValidationError, match="kid='sneaky'") as refused:
        ServiceSettings(mode="production", service_signing_key_pem=new_private_key_pem(),
                        service_trusted_keys=[real, dev_entry])
    assert "kid='real'" not in str(refused.value)
    # Dev mode takes it (it trusts every dev key anyway).
    assert ServiceSettings(service_trusted_keys=[real, dev_entry]).service_trusted_keys[1].kid == "sneaky"


def test_bad_key_settings_are_named_not_echoed() -> None:
    with pytest.raises(ValidationError, match="SKK_SERVICE_SIGNING_KEY_PEM: not an unencrypted PKCS#8") as bad:
        ServiceSettings(service_signing_key_pem="-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ1dC1ub3Qta2V5\n-----END")
    assert not _echoes(str(bad.value), "c2VjcmV0LWJ1dC1ub3Qta2V5")
    entry = TrustedKeyEntry.of(Ed25519PrivateKey.generate().public_key(), "same", "portal")
    with pytest.raises(ValidationError, match="each kid may appear once"):
        ServiceSettings(service_trusted_keys=[entry, entry])
    with pytest.raises(ValidationError, match="SKK_SERVICE_TOKEN_TTL_SECONDS"):
        ServiceSettings(service_token_ttl_seconds=3600)


async def test_jwks_publishes_the_current_and_previous_own_keys_only() -> None:
    current, previous = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    settings = ServiceSettings(
        service_name="portal", service_signing_key_pem=private_pem(current), service_signing_kid="portal-2026",
        service_trusted_keys=[TrustedKeyEntry.of(previous.public_key(), "portal-2025", "portal"),
                              TrustedKeyEntry.of(Ed25519PrivateKey.generate().public_key(), "siki-1", "siki")])
    identity = ServiceIdentity.from_settings(settings)  # dev mode: it also trusts dev:portal, not published
    app = FastAPI()
    install_jwks(app, identity)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://portal") as client:
        r = await client.get("/.well-known/jwks.json")
    assert r.status_code == 200
    keys = r.json()["keys"]
    assert [k["kid"] for k in keys] == ["portal-2026", "portal-2025"]
    assert all(k["kty"] == "OKP" and k["crv"] == "Ed25519" and k["iss"] == "portal" and "d" not in k for k in keys)
    # What it publishes verifies the party's tokens.
    jwk = jwt.PyJWK(keys[0])
    claims = jwt.decode(identity.signer.token("siki"), jwk.key, algorithms=["EdDSA"], audience="siki")
    assert claims["iss"] == "portal"


def test_verify_service_token_works_on_a_bare_key_map() -> None:
    key = load_private_key(new_private_key_pem())
    tok = ServiceTokenSigner("lpjk", key, "l1").token("portal")
    assert verify_service_token(tok, trusted={"l1": TrustedKey("l1", "lpjk", key.public_key())},
                                audience="portal") == "lpjk"
