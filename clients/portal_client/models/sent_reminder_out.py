from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SentReminderOut")


@_attrs_define
class SentReminderOut:
    """
    Attributes:
        application_id (str):
        skk_number (str):
        threshold_days (int): the reminder sent: this many days before expiry (90, 30...)
        days_left (int): days of validity left on the day swept
        valid_until (datetime.date):
    """

    application_id: str
    skk_number: str
    threshold_days: int
    days_left: int
    valid_until: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        application_id = self.application_id

        skk_number = self.skk_number

        threshold_days = self.threshold_days

        days_left = self.days_left

        valid_until = self.valid_until.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "application_id": application_id,
                "skk_number": skk_number,
                "threshold_days": threshold_days,
                "days_left": days_left,
                "valid_until": valid_until,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        application_id = d.pop("application_id")

        skk_number = d.pop("skk_number")

        threshold_days = d.pop("threshold_days")

        days_left = d.pop("days_left")

        valid_until = datetime.date.fromisoformat(d.pop("valid_until"))

        sent_reminder_out = cls(
            application_id=application_id,
            skk_number=skk_number,
            threshold_days=threshold_days,
            days_left=days_left,
            valid_until=valid_until,
        )

        sent_reminder_out.additional_properties = d
        return sent_reminder_out

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
