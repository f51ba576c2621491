"""Issue 11: production refuses the dev PDF signing key of any LSP code, even when it is
supplied as a PEM, without echoing it."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from pydantic import ValidationError

from services.lsp.issuance.settings import IssuanceSettings
from services.lsp.issuance.signing import dev_identity, dev_private_key


def _pem(code: str) -> str:
    return dev_private_key(code).private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()).decode()


@pytest.mark.parametrize(("code", "key_of"), [("LSP-C", "LSP-C"), ("LSP-C", "LSP-A"), ("LSP-A", "LSP-A")])
def test_production_refuses_a_dev_signing_key_supplied_as_pem(code: str, key_of: str) -> None:
    identity = dev_identity(key_of, "x")
    pem = _pem(key_of)
    assert pem.encode() == identity.key_pem
    with pytest.raises(ValidationError) as exc:
        IssuanceSettings(mode="production", lsp_code=code, certificate_signing_key_pem=pem,
                         certificate_signing_cert_pem=identity.cert_pem.decode())
    text = str(exc.value)
    assert "SKK_CERTIFICATE_SIGNING_KEY_PEM (the published dev key)" in text
    assert "".join(pem.splitlines()[1:-1])[-16:] not in text


def test_production_refuses_an_unreadable_signing_key_without_echo() -> None:
    with pytest.raises(ValidationError) as exc:
        IssuanceSettings(mode="production", lsp_code="LSP-C", certificate_signing_key_pem="not-a-key-SECRETTAIL",
                         certificate_signing_cert_pem="-----BEGIN CERTIFICATE-----")
    assert "not an unencrypted PEM private key" in str(exc.value) and "SECRETTAIL" not in str(exc.value)
