from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Lsp")


@_attrs_define
class Lsp:
    """
    Attributes:
        code (str):
        name (str):
        address (str):
        jabatan_kerja_codes (list[str]):
    """

    code: str
    name: str
    address: str
    jabatan_kerja_codes: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        name = self.name

        address = self.address

        jabatan_kerja_codes = self.jabatan_kerja_codes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "name": name,
                "address": address,
                "jabatan_kerja_codes": jabatan_kerja_codes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        code = d.pop("code")

        name = d.pop("name")

        address = d.pop("address")

        jabatan_kerja_codes = cast(list[str], d.pop("jabatan_kerja_codes"))

        lsp = cls(
            code=code,
            name=name,
            address=address,
            jabatan_kerja_codes=jabatan_kerja_codes,
        )

        lsp.additional_properties = d
        return lsp

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
