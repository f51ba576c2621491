from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Kualifikasi")


@_attrs_define
class Kualifikasi:
    """
    Attributes:
        code (str):
        name (str):
        jenjang_min (int):
        jenjang_max (int):
    """

    code: str
    name: str
    jenjang_min: int
    jenjang_max: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        name = self.name

        jenjang_min = self.jenjang_min

        jenjang_max = self.jenjang_max

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "name": name,
                "jenjang_min": jenjang_min,
                "jenjang_max": jenjang_max,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        code = d.pop("code")

        name = d.pop("name")

        jenjang_min = d.pop("jenjang_min")

        jenjang_max = d.pop("jenjang_max")

        kualifikasi = cls(
            code=code,
            name=name,
            jenjang_min=jenjang_min,
            jenjang_max=jenjang_max,
        )

        kualifikasi.additional_properties = d
        return kualifikasi

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
