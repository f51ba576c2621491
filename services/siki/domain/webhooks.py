"""Standard Webhooks: the body SIKI sends an LSP and the headers that sign it."""

from __future__ import annotations

import base64
import json
import secrets
from datetime import UTC, datetime
from math import floor
from typing import Any

from standardwebhooks import Webhook

from shared.contracts.siki import WebhookBody, WebhookType

SUBMISSION_TYPES = frozenset({"application.submitted", "application.resubmitted"})


def new_webhook_secret() -> str:
    """``whsec_`` + base64 of 32 random bytes, the Standard Webhooks form."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def new_api_key() -> str:
    return "skk_" + secrets.token_urlsafe(32)


def webhook_body(type_: WebhookType, data: dict[str, Any], at: datetime) -> str:
    """The exact JSON text sent (and signed) on every attempt of one delivery."""
    body = WebhookBody(type=type_, timestamp=at, data=data)
    return json.dumps(body.model_dump(mode="json"), separators=(",", ":"), ensure_ascii=False)


def signed_headers(secret: str, webhook_id: str, body: str, now: datetime | None = None) -> dict[str, str]:
    now = (now or datetime.now(UTC)).astimezone(UTC)
    return {
        "content-type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(floor(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id=webhook_id, timestamp=now, data=body),
    }
