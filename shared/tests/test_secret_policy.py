"""Issue 11, production secrets: at least 32 bytes, some variety, no repeated short pattern,
nothing derivable from the dev defaults for any LSP code; refusals name the setting only."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from pydantic import SecretStr, ValidationError

from shared.devdefaults import dev_api_key, dev_webhook_secret, is_dev_credential
from shared.secretpolicy import weakness
from shared.servicekeys import new_private_key_pem
from shared.settings import ServiceSettings
from shared.tests.datakeys import production_data_keys

STRONG = "Zq8v-N3xR7bK2mWp9TfL4hYc6GdJ1sQe"


@pytest.mark.parametrize(("value", "reason"), [
    ("", "unset"),
    ("   ", "unset"),
    ("x", "shorter than 32 bytes"),
    ("a-real-api-key-0123456789", "shorter than 32 bytes"),
    ("s" * 40, "fewer than 8 distinct characters"),
    ("ab" * 30, "fewer than 8 distinct characters"),
    ("abcdefgh" * 5, "a short pattern repeated"),
    ("Zq8v-N3xR7bK2mWp" * 2, "a short pattern repeated"),
    ("Zq8v-N3xR7bK" * 3 + "Zq8v", "a short pattern repeated"),
    ("whsec_" + "QUJD" * 6, "shorter than 32 bytes"),  # 18 bytes of key, 30 characters of text
    ("whsec_not base64!!" + "x" * 30, "not a valid whsec_ secret"),
])
def test_weak_values(value: str, reason: str) -> None:
    assert (weakness(value) or "").startswith(reason)


@pytest.mark.parametrize("value", [
    STRONG,
    "whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk=",
    "skk_Q2hvb3NlLWEtcmVhbC1rZXktZnJvbS1TSUtJLTAxMjM0",
    "93c1d0e7a4b26f58193c0d7e2a4b6f8091c3e5d7a9b2f4c6e8d0a1b3c5e7f9a2",  # openssl rand -hex 32
])
def test_strong_values(value: str) -> None:
    assert weakness(value) is None


def test_dev_credentials_of_any_lsp_code_are_recognised() -> None:
    assert is_dev_credential(dev_webhook_secret("LSP-A"))
    assert is_dev_credential(dev_api_key("LSP-B"))
    # Any code's dev api key carries the dev prefix; a dev webhook secret is recognised for the
    # codes the settings name.
    assert is_dev_credential(dev_api_key("LSP-ZZ"))
    assert not is_dev_credential(dev_webhook_secret("LSP-C"))
    assert is_dev_credential(dev_webhook_secret("LSP-C"), ["LSP-C"])
    assert not is_dev_credential(STRONG, ["LSP-C"])


class LspLike(ServiceSettings):
    """A service with an LSP code and LSP credentials, like services.lsp's settings."""

    secret_fields: ClassVar[tuple[str, ...]] = ("service_signing_key_pem", "webhook_secret", "api_key")
    optional_secret_fields: ClassVar[tuple[str, ...]] = ("previous_secret",)
    lsp_code: str = "LSP-A"
    webhook_secret: SecretStr = SecretStr("")
    api_key: SecretStr = SecretStr("")
    previous_secret: SecretStr = SecretStr("")


def production(**kw: Any) -> dict[str, Any]:
    return {"mode": "production", "service_signing_key_pem": new_private_key_pem(),
            "webhook_secret": "whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk=", "api_key": STRONG,
            **production_data_keys(), **kw}


def refused(secret: str, **kw: Any) -> str:
    with pytest.raises(ValidationError) as exc:
        LspLike(**production(**kw))
    text = str(exc.value)
    # Neither the secret nor its tail (the old message showed the input's end) is echoed.
    assert secret not in text and secret[-12:] not in text, text
    return text


def test_production_accepts_strong_secrets() -> None:
    LspLike(**production())
    LspLike(**production(previous_secret="whsec_MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1ub3BxcnN0dXY="))


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("api_key", "x", "too weak: shorter than 32 bytes"),
    ("api_key", "s" * 40, "too weak: fewer than 8 distinct characters"),
    ("api_key", "Zq8v-N3xR7bK2mWp" * 3, "too weak: a short pattern repeated"),
    ("api_key", dev_api_key("LSP-C"), "the published dev value"),
    ("webhook_secret", dev_webhook_secret("LSP-B"), "the published dev value"),
    ("previous_secret", "s" * 40, "too weak"),
    ("previous_secret", dev_webhook_secret("LSP-A"), "the published dev value"),
])
def test_production_refuses_weak_and_dev_secrets_naming_the_key_only(field: str, value: str, reason: str) -> None:
    text = refused(value, **{field: value})
    assert f"SKK_{field.upper()} ({reason}" in text


def test_the_dev_secret_of_the_configured_lsp_code_is_refused() -> None:
    # An LSP with a code other than LSP-A/LSP-B used to start with its derivable dev secret.
    text = refused(dev_webhook_secret("LSP-C"), lsp_code="LSP-C", webhook_secret=dev_webhook_secret("LSP-C"))
    assert "SKK_WEBHOOK_SECRET (the published dev value)" in text


def test_every_offending_key_is_named_at_once() -> None:
    text = refused("x" * 3, api_key="xyz", webhook_secret="")
    assert "SKK_API_KEY (too weak" in text and "SKK_WEBHOOK_SECRET (unset)" in text


def test_dev_mode_keeps_its_defaults() -> None:
    assert LspLike(api_key="x").api_key.get_secret_value() == "x"


def test_a_weak_metrics_token_is_refused_when_set() -> None:
    pem = new_private_key_pem()
    ServiceSettings(mode="production", service_signing_key_pem=pem, **production_data_keys())
    with pytest.raises(ValidationError, match=r"SKK_METRICS_TOKEN \(too weak") as exc:
        ServiceSettings(mode="production", service_signing_key_pem=pem, metrics_token="m" * 40)
    assert "m" * 12 not in str(exc.value)
