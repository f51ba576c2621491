from enum import StrEnum


class TrustedKeyPurposesItem(StrEnum):
    CREDENTIAL = "credential"
    PDF = "pdf"
    QR = "qr"
    STATUS_LIST = "status_list"

    def __str__(self) -> str:
        return str(self.value)
