from enum import StrEnum


class WebhookDeliveryOutType(StrEnum):
    APPEAL_FILED = "appeal.filed"
    APPLICATION_COMPLETED = "application.completed"
    APPLICATION_RESUBMITTED = "application.resubmitted"
    APPLICATION_SUBMITTED = "application.submitted"
    APPLICATION_WITHDRAWN = "application.withdrawn"
    CERTIFICATE_STATUS_CHANGED = "certificate.status_changed"
    PAYMENT_PROOF_UPLOADED = "payment.proof_uploaded"

    def __str__(self) -> str:
        return str(self.value)
