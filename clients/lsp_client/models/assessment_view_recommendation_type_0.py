from enum import StrEnum


class AssessmentViewRecommendationType0(StrEnum):
    BK = "BK"
    K = "K"

    def __str__(self) -> str:
        return str(self.value)
