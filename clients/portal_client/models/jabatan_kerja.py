from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="JabatanKerja")


@_attrs_define
class JabatanKerja:
    """
    Attributes:
        code (str):
        name (str):
        subklasifikasi_code (str):
        kualifikasi (str):
        jenjang (list[int]):
        siki_code (None | str | Unset):
        uncertain (bool | None | Unset):
        skkni (None | str | Unset):
    """

    code: str
    name: str
    subklasifikasi_code: str
    kualifikasi: str
    jenjang: list[int]
    siki_code: None | str | Unset = UNSET
    uncertain: bool | None | Unset = UNSET
    skkni: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        name = self.name

        subklasifikasi_code = self.subklasifikasi_code

        kualifikasi = self.kualifikasi

        jenjang = self.jenjang

        siki_code: None | str | Unset
        if isinstance(self.siki_code, Unset):
            siki_code = UNSET
        else:
            siki_code = self.siki_code

        uncertain: bool | None | Unset
        if isinstance(self.uncertain, Unset):
            uncertain = UNSET
        else:
            uncertain = self.uncertain

        skkni: None | str | Unset
        if isinstance(self.skkni, Unset):
            skkni = UNSET
        else:
            skkni = self.skkni

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "name": name,
                "subklasifikasi_code": subklasifikasi_code,
                "kualifikasi": kualifikasi,
                "jenjang": jenjang,
            }
        )
        if siki_code is not UNSET:
            field_dict["siki_code"] = siki_code
        if uncertain is not UNSET:
            field_dict["uncertain"] = uncertain
        if skkni is not UNSET:
            field_dict["skkni"] = skkni

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        code = d.pop("code")

        name = d.pop("name")

        subklasifikasi_code = d.pop("subklasifikasi_code")

        kualifikasi = d.pop("kualifikasi")

        jenjang = cast(list[int], d.pop("jenjang"))

        def _parse_siki_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        siki_code = _parse_siki_code(d.pop("siki_code", UNSET))

        def _parse_uncertain(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        uncertain = _parse_uncertain(d.pop("uncertain", UNSET))

        def _parse_skkni(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        skkni = _parse_skkni(d.pop("skkni", UNSET))

        jabatan_kerja = cls(
            code=code,
            name=name,
            subklasifikasi_code=subklasifikasi_code,
            kualifikasi=kualifikasi,
            jenjang=jenjang,
            siki_code=siki_code,
            uncertain=uncertain,
            skkni=skkni,
        )

        jabatan_kerja.additional_properties = d
        return jabatan_kerja

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
