from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UnmetRequirement")


@_attrs_define
class UnmetRequirement:
    """
    Attributes:
        requirement (str): education, experience or requirements
        message (str):
        pesan (str): the same in Bahasa Indonesia, as the timeline shows it
    """

    requirement: str
    message: str
    pesan: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        requirement = self.requirement

        message = self.message

        pesan = self.pesan

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "requirement": requirement,
                "message": message,
                "pesan": pesan,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        requirement = d.pop("requirement")

        message = d.pop("message")

        pesan = d.pop("pesan")

        unmet_requirement = cls(
            requirement=requirement,
            message=message,
            pesan=pesan,
        )

        unmet_requirement.additional_properties = d
        return unmet_requirement

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
