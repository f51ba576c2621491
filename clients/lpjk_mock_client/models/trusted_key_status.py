from enum import StrEnum


class TrustedKeyStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"
    REVOKED = "revoked"

    def __str__(self) -> str:
        return str(self.value)
