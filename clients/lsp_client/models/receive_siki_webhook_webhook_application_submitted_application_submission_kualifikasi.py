from enum import StrEnum


class ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmissionKualifikasi(StrEnum):
    AHLI = "Ahli"
    OPERATOR = "Operator"
    TEKNISIANALIS = "Teknisi/Analis"

    def __str__(self) -> str:
        return str(self.value)
