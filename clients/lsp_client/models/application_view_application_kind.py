from enum import StrEnum


class ApplicationViewApplicationKind(StrEnum):
    BARU = "baru"
    PERPANJANGAN = "perpanjangan"
    PERUBAHAN = "perubahan"

    def __str__(self) -> str:
        return str(self.value)
