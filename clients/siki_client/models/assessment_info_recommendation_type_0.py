from enum import StrEnum


class AssessmentInfoRecommendationType0(StrEnum):
    BK = "BK"
    K = "K"

    def __str__(self) -> str:
        return str(self.value)
