from enum import StrEnum


class WebhookDeliveryOutStatus(StrEnum):
    DEAD = "dead"
    DELIVERED = "delivered"
    FAILED = "failed"
    PENDING = "pending"

    def __str__(self) -> str:
        return str(self.value)
