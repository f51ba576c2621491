from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.unmet_requirement import UnmetRequirement


T = TypeVar("T", bound="RequirementsOverride")


@_attrs_define
class RequirementsOverride:
    """The admin accepted although the scheme's requirements were not met.

    Attributes:
        reason (str):
        by (str):
        at (datetime.datetime):
        unmet (list[UnmetRequirement]):
    """

    reason: str
    by: str
    at: datetime.datetime
    unmet: list[UnmetRequirement]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason

        by = self.by

        at = self.at.isoformat()

        unmet = []
        for unmet_item_data in self.unmet:
            unmet_item = unmet_item_data.to_dict()
            unmet.append(unmet_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "reason": reason,
                "by": by,
                "at": at,
                "unmet": unmet,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.unmet_requirement import UnmetRequirement

        d = dict(src_dict)
        reason = d.pop("reason")

        by = d.pop("by")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        unmet = []
        _unmet = d.pop("unmet")
        for unmet_item_data in _unmet:
            unmet_item = UnmetRequirement.from_dict(unmet_item_data)

            unmet.append(unmet_item)

        requirements_override = cls(
            reason=reason,
            by=by,
            at=at,
            unmet=unmet,
        )

        requirements_override.additional_properties = d
        return requirements_override

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
