"""Issue 11: production BNSP holds its optional secrets (the metrics token) to the same rules
and never echoes them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.bnsp_mock.settings import BnspSettings
from shared.operators import dev_operator_jwt_secret
from shared.servicekeys import new_private_key_pem
from shared.tests.datakeys import production_data_keys

# Issue 12: BNSP's operators (the audit log) sign in with accounts; their tokens need this secret.
OPERATOR_JWT_SECRET = "bnsp-op-Yd0GeUa7Qf3xVb9Lm2Rt8Kp4Wz6Hn1Jc5"


def test_production_accepts_a_strong_metrics_token_or_none() -> None:
    pem = new_private_key_pem()
    BnspSettings(mode="production", service_signing_key_pem=pem, operator_jwt_secret=OPERATOR_JWT_SECRET,
                 **production_data_keys())
    BnspSettings(mode="production", service_signing_key_pem=pem, operator_jwt_secret=OPERATOR_JWT_SECRET,
                 metrics_token="bnsp-scrape-7Qf3xVb9Lm2Rt8Kp4Wz6Hn1J", **production_data_keys())


@pytest.mark.parametrize("secret", ["", "o" * 40, dev_operator_jwt_secret("bnsp")])
def test_production_refuses_an_unset_weak_or_dev_operator_jwt_secret(secret: str) -> None:
    with pytest.raises(ValidationError) as exc:
        BnspSettings(mode="production", service_signing_key_pem=new_private_key_pem(), operator_jwt_secret=secret)
    assert "SKK_OPERATOR_JWT_SECRET (" in str(exc.value) and (not secret or secret not in str(exc.value))


@pytest.mark.parametrize("token", ["m" * 40, "scrape-1", "abcdefgh" * 5])
def test_production_refuses_a_weak_metrics_token_without_echo(token: str) -> None:
    with pytest.raises(ValidationError) as exc:
        BnspSettings(mode="production", service_signing_key_pem=new_private_key_pem(),
                     operator_jwt_secret=OPERATOR_JWT_SECRET, metrics_token=token)
    assert "SKK_METRICS_TOKEN (too weak" in str(exc.value) and token not in str(exc.value)
