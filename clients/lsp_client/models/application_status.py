from enum import StrEnum


class ApplicationStatus(StrEnum):
    ACCEPTED = "accepted"
    APPEALED = "appealed"
    APPEAL_REJECTED = "appeal_rejected"
    APPEAL_UPHELD = "appeal_upheld"
    ASSESSED = "assessed"
    CANCELLED = "cancelled"
    CERTIFICATE_ISSUED = "certificate_issued"
    COMPETENT = "competent"
    COMPLETED = "completed"
    DRAFT = "draft"
    FORWARDED = "forwarded"
    INVOICED = "invoiced"
    IN_CERTIFICATION = "in_certification"
    NOT_YET_COMPETENT = "not_yet_competent"
    PAYMENT_REJECTED = "payment_rejected"
    PAYMENT_UPLOADED = "payment_uploaded"
    PAYMENT_VERIFIED = "payment_verified"
    RECORDED = "recorded"
    RETURNED = "returned"
    SCHEDULED = "scheduled"
    SKK_NUMBERED = "skk_numbered"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"

    def __str__(self) -> str:
        return str(self.value)
