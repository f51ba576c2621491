from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RequirementOption")


@_attrs_define
class RequirementOption:
    """
    Attributes:
        education_level (str):
        min_years (float | int):
    """

    education_level: str
    min_years: float | int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        education_level = self.education_level

        min_years: float | int
        min_years = self.min_years

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "education_level": education_level,
                "min_years": min_years,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        education_level = d.pop("education_level")

        def _parse_min_years(data: object) -> float | int:
            return cast(float | int, data)

        min_years = _parse_min_years(d.pop("min_years"))

        requirement_option = cls(
            education_level=education_level,
            min_years=min_years,
        )

        requirement_option.additional_properties = d
        return requirement_option

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
