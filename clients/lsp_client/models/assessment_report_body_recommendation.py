from enum import StrEnum


class AssessmentReportBodyRecommendation(StrEnum):
    BK = "BK"
    K = "K"

    def __str__(self) -> str:
        return str(self.value)
