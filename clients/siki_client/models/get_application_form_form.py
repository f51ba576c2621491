from enum import StrEnum


class GetApplicationFormForm(StrEnum):
    APL01 = "apl01"
    APL02 = "apl02"

    def __str__(self) -> str:
        return str(self.value)
