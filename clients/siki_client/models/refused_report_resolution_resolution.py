from enum import StrEnum


class RefusedReportResolutionResolution(StrEnum):
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"

    def __str__(self) -> str:
        return str(self.value)
