from enum import StrEnum


class CertificateStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    SUSPENDED = "suspended"

    def __str__(self) -> str:
        return str(self.value)
