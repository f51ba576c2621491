from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SweepResult")


@_attrs_define
class SweepResult:
    """
    Attributes:
        as_of (datetime.date):
        cancelled (list[str]): the applications cancelled for an unpaid invoice
        appeals_overdue (list[str] | Unset): the appeals flagged now as not decided within the working days
    """

    as_of: datetime.date
    cancelled: list[str]
    appeals_overdue: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        as_of = self.as_of.isoformat()

        cancelled = self.cancelled

        appeals_overdue: list[str] | Unset = UNSET
        if not isinstance(self.appeals_overdue, Unset):
            appeals_overdue = self.appeals_overdue

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "as_of": as_of,
                "cancelled": cancelled,
            }
        )
        if appeals_overdue is not UNSET:
            field_dict["appeals_overdue"] = appeals_overdue

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        as_of = datetime.date.fromisoformat(d.pop("as_of"))

        cancelled = cast(list[str], d.pop("cancelled"))

        appeals_overdue = cast(list[str], d.pop("appeals_overdue", UNSET))

        sweep_result = cls(
            as_of=as_of,
            cancelled=cancelled,
            appeals_overdue=appeals_overdue,
        )

        sweep_result.additional_properties = d
        return sweep_result

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
