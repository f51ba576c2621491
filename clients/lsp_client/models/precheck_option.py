from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PrecheckOption")


@_attrs_define
class PrecheckOption:
    """
    Attributes:
        education_level (str):
        min_years (float):
        education_ok (bool):
        experience_ok (bool):
        ok (bool):
    """

    education_level: str
    min_years: float
    education_ok: bool
    experience_ok: bool
    ok: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        education_level = self.education_level

        min_years = self.min_years

        education_ok = self.education_ok

        experience_ok = self.experience_ok

        ok = self.ok

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "education_level": education_level,
                "min_years": min_years,
                "education_ok": education_ok,
                "experience_ok": experience_ok,
                "ok": ok,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        education_level = d.pop("education_level")

        min_years = d.pop("min_years")

        education_ok = d.pop("education_ok")

        experience_ok = d.pop("experience_ok")

        ok = d.pop("ok")

        precheck_option = cls(
            education_level=education_level,
            min_years=min_years,
            education_ok=education_ok,
            experience_ok=experience_ok,
            ok=ok,
        )

        precheck_option.additional_properties = d
        return precheck_option

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
