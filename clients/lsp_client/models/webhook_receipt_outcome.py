from enum import StrEnum


class WebhookReceiptOutcome(StrEnum):
    ALREADY_RECEIVED = "already received"
    CREATED = "created"
    DUPLICATE = "duplicate"
    UPDATED = "updated"

    def __str__(self) -> str:
        return str(self.value)
