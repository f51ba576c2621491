"""Issue 11: production BNSP holds its optional secrets (the metrics token) to the same rules
and never echoes them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.bnsp_mock.settings import BnspSettings
from shared.servicekeys import new_private_key_pem


def test_production_accepts_a_strong_metrics_token_or_none() -> None:
    pem = new_private_key_pem()
    BnspSettings(mode="production", service_signing_key_pem=pem)
    BnspSettings(mode="production", service_signing_key_pem=pem, metrics_token="bnsp-scrape-7Qf3xVb9Lm2Rt8Kp4Wz6Hn1J")


@pytest.mark.parametrize("token", ["m" * 40, "scrape-1", "abcdefgh" * 5])
def test_production_refuses_a_weak_metrics_token_without_echo(token: str) -> None:
    with pytest.raises(ValidationError) as exc:
        BnspSettings(mode="production", service_signing_key_pem=new_private_key_pem(), metrics_token=token)
    assert "SKK_METRICS_TOKEN (too weak" in str(exc.value) and token not in str(exc.value)
