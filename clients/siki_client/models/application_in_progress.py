from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.application_status import ApplicationStatus

T = TypeVar("T", bound="ApplicationInProgress")


@_attrs_define
class ApplicationInProgress:
    """
    Attributes:
        id (str):
        status (ApplicationStatus):
        lsp_code (str):
        kualifikasi (str):
        klasifikasi_code (str):
        subklasifikasi_code (str):
        jabatan_kerja_code (str):
        jenjang (int):
    """

    id: str
    status: ApplicationStatus
    lsp_code: str
    kualifikasi: str
    klasifikasi_code: str
    subklasifikasi_code: str
    jabatan_kerja_code: str
    jenjang: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        status = self.status.value

        lsp_code = self.lsp_code

        kualifikasi = self.kualifikasi

        klasifikasi_code = self.klasifikasi_code

        subklasifikasi_code = self.subklasifikasi_code

        jabatan_kerja_code = self.jabatan_kerja_code

        jenjang = self.jenjang

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "lsp_code": lsp_code,
                "kualifikasi": kualifikasi,
                "klasifikasi_code": klasifikasi_code,
                "subklasifikasi_code": subklasifikasi_code,
                "jabatan_kerja_code": jabatan_kerja_code,
                "jenjang": jenjang,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        status = ApplicationStatus(d.pop("status"))

        lsp_code = d.pop("lsp_code")

        kualifikasi = d.pop("kualifikasi")

        klasifikasi_code = d.pop("klasifikasi_code")

        subklasifikasi_code = d.pop("subklasifikasi_code")

        jabatan_kerja_code = d.pop("jabatan_kerja_code")

        jenjang = d.pop("jenjang")

        application_in_progress = cls(
            id=id,
            status=status,
            lsp_code=lsp_code,
            kualifikasi=kualifikasi,
            klasifikasi_code=klasifikasi_code,
            subklasifikasi_code=subklasifikasi_code,
            jabatan_kerja_code=jabatan_kerja_code,
            jenjang=jenjang,
        )

        application_in_progress.additional_properties = d
        return application_in_progress

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
