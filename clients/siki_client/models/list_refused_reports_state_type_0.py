from enum import StrEnum


class ListRefusedReportsStateType0(StrEnum):
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"
    OPEN = "open"

    def __str__(self) -> str:
        return str(self.value)
