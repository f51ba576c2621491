from enum import StrEnum


class PaymentVerificationBodyDecision(StrEnum):
    INVALID = "invalid"
    VALID = "valid"

    def __str__(self) -> str:
        return str(self.value)
