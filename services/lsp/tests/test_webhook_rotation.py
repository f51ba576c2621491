"""Issue 11: during a rotation of SIKI's webhook secret the LSP accepts the current and the
previous secret (``SKK_SIKI_WEBHOOK_SECRET_PREVIOUS``), and SIKI's header may carry several
signatures; production refuses dev or weak webhook credentials for any LSP code."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from services.lsp.settings import LspSettings
from services.lsp.tests.support import Lsp, running, settings_for, signed, submission
from shared.devdefaults import dev_api_key, dev_webhook_secret
from shared.servicekeys import new_private_key_pem
from shared.tests.datakeys import production_data_keys

pytestmark = pytest.mark.usefixtures("siki")

OLD = "whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk="
NEW = "whsec_MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1ub3BxcnN0dXY="
OTHER = "whsec_WllYV1ZVVFNSUVBPTk1MS0pJSEdGRURDQkE5ODc2NTQ="


def envelope(data: dict[str, Any]) -> dict[str, Any]:
    return {"type": "application.submitted", "timestamp": datetime.now(UTC).isoformat(), "data": data}


async def post(lsp: Lsp, *secrets: str) -> tuple[int, str]:
    """A submission webhook signed with each of ``secrets`` (several: space-separated)."""
    sub = submission()
    body = envelope(sub)
    raw, headers = signed(secrets[0], body)
    extra = [signed(s, body, webhook_id=headers["webhook-id"],
                    timestamp=int(headers["webhook-timestamp"]))[1]["webhook-signature"] for s in secrets[1:]]
    headers["webhook-signature"] = " ".join([headers["webhook-signature"], *extra])
    r = await lsp.client.post("/api/v1/webhooks/siki", content=raw, headers=headers)
    return r.status_code, sub["id"]


async def count(lsp: Lsp) -> int:
    r = await lsp.client.get("/api/v1/applications", headers=await lsp.as_("admin"))
    return len(r.json()["items"])


async def test_the_previous_secret_is_accepted_during_a_rotation(sqlite_url: str) -> None:
    settings = settings_for(sqlite_url, siki_webhook_secret=NEW, siki_webhook_secret_previous=OLD)
    async with running(settings) as lsp:
        # A delivery SIKI signed before the rotation (old secret only) arriving after the LSP switched.
        assert (await post(lsp, OLD))[0] == 200
        # SIKI after the rotation, with and without the grace period.
        assert (await post(lsp, NEW, OLD))[0] == 200
        assert (await post(lsp, NEW))[0] == 200
        # Neither secret: refused, nothing created.
        status, refused_id = await post(lsp, OTHER)
        assert status == 401
        assert await count(lsp) == 3
        r = await lsp.client.get(f"/api/v1/applications/{refused_id}", headers=await lsp.as_("admin"))
        assert r.status_code == 404


async def test_an_lsp_still_on_the_old_secret_verifies_sikis_double_signature(sqlite_url: str) -> None:
    async with running(settings_for(sqlite_url, siki_webhook_secret=OLD)) as lsp:
        assert (await post(lsp, NEW, OLD))[0] == 200  # SIKI's grace period: new first, then old
        assert (await post(lsp, NEW))[0] == 401  # after it, an LSP that did not switch is refused
        assert await count(lsp) == 1


PROD: dict[str, Any] = {
    "mode": "production", "lsp_code": "LSP-C",
    "siki_webhook_secret": SecretStr(NEW),
    "siki_api_key": SecretStr("skk_Q2hvb3NlLWEtcmVhbC1rZXktZnJvbS1TSUtJLTAxMjM0"),
    "jwt_secret": SecretStr("Zq8v-N3xR7bK2mWp9TfL4hYc6GdJ1sQe-lsp-c"),
    **production_data_keys(),
}


def refused(**overrides: Any) -> str:
    with pytest.raises(ValidationError) as exc:
        LspSettings(**{**PROD, "service_signing_key_pem": SecretStr(new_private_key_pem()), **overrides})
    return str(exc.value)


def test_production_refuses_the_dev_credentials_of_any_lsp_code() -> None:
    LspSettings(**{**PROD, "service_signing_key_pem": SecretStr(new_private_key_pem())})
    # LSP-C left at its dev defaults (derived from its code): both refused, neither echoed.
    text = refused(siki_webhook_secret=SecretStr(""), siki_api_key=SecretStr(""))
    assert "SKK_SIKI_WEBHOOK_SECRET (the published dev value)" in text
    assert "SKK_SIKI_API_KEY (the published dev value)" in text
    assert dev_webhook_secret("LSP-C")[-12:] not in text and dev_api_key("LSP-C")[-12:] not in text
    # Another code's dev api key is refused too.
    assert "SKK_SIKI_API_KEY" in refused(siki_api_key=SecretStr(dev_api_key("LSP-Q")))


@pytest.mark.parametrize("previous", ["s" * 40, dev_webhook_secret("LSP-C"), "whsec_QUJD"])
def test_production_refuses_a_weak_or_dev_previous_secret(previous: str) -> None:
    text = refused(siki_webhook_secret_previous=SecretStr(previous))
    assert "SKK_SIKI_WEBHOOK_SECRET_PREVIOUS (" in text and previous[-8:] not in text
