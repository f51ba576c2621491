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


# A delivery's life: pending -> delivered | failed (retrying) -> delivered | dead; an operator
# resets a dead or failed one to pending.
DELIVERY_PENDING = "pending"
DELIVERY_FAILED = "failed"
DELIVERY_DELIVERED = "delivered"
DELIVERY_DEAD = "dead"
REDELIVERABLE = frozenset({DELIVERY_DEAD, DELIVERY_FAILED})
# Nothing to send: delivered already (a duplicate event), or parked until an operator redelivers.
NOT_TO_SEND = frozenset({DELIVERY_DELIVERED, DELIVERY_DEAD})


def after_attempt(status: str, type_: str, *, ok: bool, last_attempt: bool) -> tuple[str | None, bool]:
    """A delivery's new status after one attempt (None: unchanged), and whether the attempt
    proves that a submission reached its LSP."""
    if status == DELIVERY_DELIVERED:
        return None, False
    if ok:
        return DELIVERY_DELIVERED, type_ in SUBMISSION_TYPES
    return (DELIVERY_DEAD if last_attempt else DELIVERY_FAILED), False


# What makes a webhook unique: a retried command finds its key and adds no second delivery.
def submission_key(application_id: str, submission_no: int) -> str:
    return f"{application_id}:submission:{submission_no}"


def payment_proof_key(application_id: str, proof_no: int) -> str:
    return f"{application_id}:payment_proof:{proof_no}"


def appeal_key(application_id: str, seq: int) -> str:
    return f"{application_id}:appeal:{seq}"
