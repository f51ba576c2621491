from enum import StrEnum


class AssessmentInfoResultType0(StrEnum):
    BELUM_KOMPETEN = "belum_kompeten"
    KOMPETEN = "kompeten"

    def __str__(self) -> str:
        return str(self.value)
