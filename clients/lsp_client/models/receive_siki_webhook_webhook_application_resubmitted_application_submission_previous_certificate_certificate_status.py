from enum import StrEnum


class ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionPreviousCertificateCertificateStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    SUSPENDED = "suspended"

    def __str__(self) -> str:
        return str(self.value)
