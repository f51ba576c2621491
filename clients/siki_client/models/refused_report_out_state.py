from enum import StrEnum


class RefusedReportOutState(StrEnum):
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"
    OPEN = "open"

    def __str__(self) -> str:
        return str(self.value)
