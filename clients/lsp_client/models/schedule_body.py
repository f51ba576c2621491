from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ScheduleBody")


@_attrs_define
class ScheduleBody:
    """
    Attributes:
        assessor_username (str):
        tuk_code (str):
        scheduled_at (datetime.datetime):
    """

    assessor_username: str
    tuk_code: str
    scheduled_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        assessor_username = self.assessor_username

        tuk_code = self.tuk_code

        scheduled_at = self.scheduled_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "assessor_username": assessor_username,
                "tuk_code": tuk_code,
                "scheduled_at": scheduled_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        assessor_username = d.pop("assessor_username")

        tuk_code = d.pop("tuk_code")

        scheduled_at = datetime.datetime.fromisoformat(d.pop("scheduled_at"))

        schedule_body = cls(
            assessor_username=assessor_username,
            tuk_code=tuk_code,
            scheduled_at=scheduled_at,
        )

        schedule_body.additional_properties = d
        return schedule_body

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
