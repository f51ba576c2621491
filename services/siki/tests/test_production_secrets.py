"""Issue 11: production siki refuses weak, default and dev secrets, naming the setting only."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from pydantic import ValidationError

from services.siki.settings import SikiSettings
from shared.servicekeys import new_private_key_pem
from shared.tests.datakeys import production_data_keys


def strong(name: str) -> str:
    return "k-" + hashlib.sha256(f"a test secret for {name}".encode()).hexdigest()


def production(**overrides: Any) -> dict[str, Any]:
    """Strong values for every secret this service insists on, then ``overrides``."""
    values: dict[str, Any] = {"mode": "production", "service_signing_key_pem": new_private_key_pem()}
    values.update({n: strong(n) for n in SikiSettings.secret_fields if n not in values})
    return {**values, **production_data_keys(), **overrides}


def test_production_accepts_strong_secrets() -> None:
    SikiSettings(**production())


@pytest.mark.parametrize("field", [f for f in SikiSettings.secret_fields if f != "service_signing_key_pem"])
@pytest.mark.parametrize("value", ["x", "s" * 40, "Zq8v-N3xR7bK2mWp" * 3, ""])
def test_production_refuses_weak_secrets_without_echo(field: str, value: str) -> None:
    with pytest.raises(ValidationError) as exc:
        SikiSettings(**production(**{field: value}))
    text = str(exc.value)
    assert f"SKK_{field.upper()} (" in text
    assert not value or value[-8:] not in text
    # The other secrets are never echoed either.
    assert all(strong(n)[-12:] not in text for n in SikiSettings.secret_fields)


@pytest.mark.parametrize("field", [f for f in SikiSettings.secret_fields if f != "service_signing_key_pem"])
def test_production_refuses_the_dev_default(field: str) -> None:
    default = SikiSettings.model_fields[field].get_default()
    with pytest.raises(ValidationError, match=f"SKK_{field.upper()}"):
        SikiSettings(**production(**{field: default}))
