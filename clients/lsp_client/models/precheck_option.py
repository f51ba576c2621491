from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

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
        experience_years (float | None | Unset): the years of the kinds this option counts
    """

    education_level: str
    min_years: float
    education_ok: bool
    experience_ok: bool
    ok: bool
    experience_years: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        education_level = self.education_level

        min_years = self.min_years

        education_ok = self.education_ok

        experience_ok = self.experience_ok

        ok = self.ok

        experience_years: float | None | Unset
        if isinstance(self.experience_years, Unset):
            experience_years = UNSET
        else:
            experience_years = self.experience_years

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
        if experience_years is not UNSET:
            field_dict["experience_years"] = experience_years

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        education_level = d.pop("education_level")

        min_years = d.pop("min_years")

        education_ok = d.pop("education_ok")

        experience_ok = d.pop("experience_ok")

        ok = d.pop("ok")

        def _parse_experience_years(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        experience_years = _parse_experience_years(d.pop("experience_years", UNSET))

        precheck_option = cls(
            education_level=education_level,
            min_years=min_years,
            education_ok=education_ok,
            experience_ok=experience_ok,
            ok=ok,
            experience_years=experience_years,
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
