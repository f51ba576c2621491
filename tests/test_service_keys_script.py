"""``python -m scripts.keys``: an operator's key pair per party and the trust list assembled from
the parties' published JWKS work together in production settings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from scripts.keys import main, service_key, trust_list
from services.bnsp_mock.app import create_app
from services.bnsp_mock.settings import BnspSettings
from shared.auth import ServiceIdentity, ServiceTokenSigner
from shared.servicekeys import TrustedKeyEntry, load_private_key
from shared.tests.datakeys import production_data_keys


def test_a_generated_key_and_its_trust_entry_make_production_settings(tmp_path: Path) -> None:
    lsp, bnsp = service_key("lsp:LSP-A"), service_key("bnsp")
    settings = BnspSettings(mode="production", service_signing_key_pem=bnsp["private_key_pem"],
                            service_trusted_keys=[lsp["trusted_key_entry"]],
                            operator_jwt_secret="an-operator-secret-of-32-characters-or-more",
                            **production_data_keys())
    identity = ServiceIdentity.from_settings(settings)
    assert identity.signer.kid == bnsp["kid"]
    token = ServiceTokenSigner("lsp:LSP-A", load_private_key(lsp["private_key_pem"]), lsp["kid"]).token("bnsp")
    assert identity.verify(token, "bnsp") == "lsp:LSP-A"


async def test_the_trust_list_is_assembled_from_published_jwks(tmp_path: Path, sqlite_url: str) -> None:
    bnsp = service_key("bnsp", kid="bnsp-2026")
    app = create_app(BnspSettings(database_url=sqlite_url, log_json=False,
                                  service_signing_key_pem=bnsp["private_key_pem"], service_signing_kid="bnsp-2026"))
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bnsp") as client:
        published = (await client.get("/.well-known/jwks.json")).text
    (tmp_path / "bnsp.json").write_text(published, encoding="utf-8")
    lsp = service_key("lsp:LSP-A")
    (tmp_path / "lsp.json").write_text(json.dumps({"keys": [lsp["public_jwk"]]}), encoding="utf-8")
    entries = trust_list([str(tmp_path / "bnsp.json"), str(tmp_path / "lsp.json")])
    assert entries == [bnsp["trusted_key_entry"], lsp["trusted_key_entry"]]
    assert [TrustedKeyEntry.model_validate(e).iss for e in entries] == ["bnsp", "lsp:LSP-A"]


def test_the_command_prints_the_private_key_once_and_the_public_forms(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["service", "--party", "portal", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["party"] == "portal" and out["public_jwk"]["iss"] == "portal" and "d" not in out["public_jwk"]
    assert out["private_key_pem"].startswith("-----BEGIN PRIVATE KEY-----")
    text = subprocess.run([sys.executable, "-m", "scripts.keys", "service", "--party", "lsp:LSP-A"],
                          capture_output=True, text=True, check=True).stdout
    assert text.count("BEGIN PRIVATE KEY") == 1 and '"iss": "lsp:LSP-A"' in text
