"""Standard Webhooks: the body SIKI sends an LSP and the headers that sign it."""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from math import floor
from typing import Any

from standardwebhooks import Webhook

from shared.contracts.siki import WebhookBody, WebhookType
from shared.devdefaults import DEV_API_KEY_PREFIX

SUBMISSION_TYPES = frozenset({"application.submitted", "application.resubmitted"})


def new_webhook_secret() -> str:
    """``whsec_`` + base64 of 32 random bytes, the Standard Webhooks form."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def new_api_key() -> str:
    while True:  # never of the dev keys' form, which production LSPs refuse
        key = "skk_" + secrets.token_urlsafe(32)
        if not key.startswith(DEV_API_KEY_PREFIX):
            return key


def webhook_body(type_: WebhookType, data: dict[str, Any], at: datetime) -> str:
    """The exact JSON text sent (and signed) on every attempt of one delivery."""
    body = WebhookBody(type=type_, timestamp=at, data=data)
    return json.dumps(body.model_dump(mode="json"), separators=(",", ":"), ensure_ascii=False)


def signed_headers(secret: str | Sequence[str], webhook_id: str, body: str,
                   now: datetime | None = None) -> dict[str, str]:
    """The Standard Webhooks headers, one ``v1,`` signature per secret (space-separated)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    secrets_ = [secret] if isinstance(secret, str) else list(secret)
    return {
        "content-type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(floor(now.timestamp())),
        "webhook-signature": " ".join(Webhook(s).sign(msg_id=webhook_id, timestamp=now, data=body)
                                      for s in secrets_),
    }


def signing_secrets(current: str, previous: str | None, previous_until: datetime | None,
                    now: datetime) -> list[str]:
    """The secrets a webhook is signed with: the current one, and during a rotation's grace
    period the previous one too (an LSP still on it keeps verifying)."""
    if previous and previous_until is not None and now < _aware(previous_until):
        return [current, previous]
    return [current]


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)  # SQLite gives naive UTC


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


def withdrawal_key(application_id: str) -> str:
    return f"{application_id}:withdrawal"


def completion_key(application_id: str) -> str:
    return f"{application_id}:completion"


def certificate_status_key(recording_number: str, seq: int) -> str:
    return f"{recording_number}:status:{seq}"
