"""Issue 11: production LPJK refuses the published dev QR key in any form (PKCS#8 or OpenSSH
PEM, other line breaks, as a retired verification key) and weak secrets, without echoing them."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError

from services.lpjk_mock.domain import qr
from services.lpjk_mock.settings import LpjkSettings
from shared.operators import dev_operator_jwt_secret
from shared.servicekeys import new_private_key_pem
from shared.tests.datakeys import production_data_keys

OPERATOR_JWT_SECRET = "lpjk-op-Hn1Jc5Yd0GeUa7Qf3xVb9Lm2Rt8Kp4Wz6"
DEV = qr.dev_signing_key()


def pkcs8(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def openssh(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                             serialization.NoEncryption()).decode()


def production(**kw: Any) -> LpjkSettings:
    values: dict[str, Any] = {"mode": "production", "service_signing_key_pem": new_private_key_pem(),
                              "operator_jwt_secret": OPERATOR_JWT_SECRET,
                              "qr_signing_key_pem": pkcs8(Ed25519PrivateKey.generate()), **production_data_keys()}
    return LpjkSettings(**{**values, **kw})


def refused(**kw: Any) -> str:
    with pytest.raises(ValidationError) as exc:
        production(**kw)
    return str(exc.value)


def test_production_accepts_a_real_key_in_either_pem_form() -> None:
    production()
    key = Ed25519PrivateKey.generate()
    s = production(qr_signing_key_pem=openssh(key), qr_key_id="lpjk-2026")
    assert qr.load_private_key(s.qr_signing_key_pem.get_secret_value()).public_key() == key.public_key()


@pytest.mark.parametrize("form", ["pkcs8", "pkcs8-crlf", "pkcs8-indented", "openssh"])
def test_production_refuses_the_dev_qr_key_in_any_form(form: str) -> None:
    pem = {"pkcs8": pkcs8(DEV), "pkcs8-crlf": pkcs8(DEV).replace("\n", "\r\n"),
           "pkcs8-indented": "\n  " + pkcs8(DEV) + "\n\n", "openssh": openssh(DEV)}[form]
    text = refused(qr_signing_key_pem=pem)
    assert "SKK_QR_SIGNING_KEY_PEM (the published dev key)" in text
    body = "".join(pem.strip().splitlines()[1:-1])
    assert body[:16] not in text and body[-16:] not in text


def test_production_refuses_an_unreadable_or_unset_qr_key_without_echo() -> None:
    garbage = "-----BEGIN PRIVATE KEY-----\nTUFERS1VUC1TRUNSRVQtVkFMVUU=\n-----END PRIVATE KEY-----\n"
    text = refused(qr_signing_key_pem=garbage)
    assert "SKK_QR_SIGNING_KEY_PEM (the QR signing key is not an unencrypted PEM private key)" in text
    assert "TUFERS1VUC1TRUNSRVQtVkFMVUU" not in text
    assert "SKK_QR_SIGNING_KEY_PEM (unset" in refused(qr_signing_key_pem="")


def test_production_refuses_the_dev_key_as_a_retired_verification_key() -> None:
    text = refused(qr_retired_public_keys={"lpjk-dev-1": qr.public_pem(DEV.public_key())})
    assert "SKK_QR_RETIRED_PUBLIC_KEYS" in text and "lpjk-dev-1" in text
    production(qr_retired_public_keys={"lpjk-2025": qr.public_pem(Ed25519PrivateKey.generate().public_key())})


@pytest.mark.parametrize("secret", ["o" * 40, "Xy7-tiny", "", dev_operator_jwt_secret("lpjk")])
def test_production_refuses_a_weak_operator_jwt_secret_without_echo(secret: str) -> None:
    # Issue 12: operators log in with accounts; their tokens are signed with this secret.
    text = refused(operator_jwt_secret=secret)
    assert "SKK_OPERATOR_JWT_SECRET (" in text and (not secret or secret not in text)
