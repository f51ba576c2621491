from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.sent_reminder_out import SentReminderOut


T = TypeVar("T", bound="ReminderSweepOut")


@_attrs_define
class ReminderSweepOut:
    """
    Attributes:
        as_of (datetime.date):
        skipped (bool): another replica was sweeping: this pass sent nothing
        sent (list[SentReminderOut]):
    """

    as_of: datetime.date
    skipped: bool
    sent: list[SentReminderOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        as_of = self.as_of.isoformat()

        skipped = self.skipped

        sent = []
        for sent_item_data in self.sent:
            sent_item = sent_item_data.to_dict()
            sent.append(sent_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "as_of": as_of,
                "skipped": skipped,
                "sent": sent,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.sent_reminder_out import SentReminderOut

        d = dict(src_dict)
        as_of = datetime.date.fromisoformat(d.pop("as_of"))

        skipped = d.pop("skipped")

        sent = []
        _sent = d.pop("sent")
        for sent_item_data in _sent:
            sent_item = SentReminderOut.from_dict(sent_item_data)

            sent.append(sent_item)

        reminder_sweep_out = cls(
            as_of=as_of,
            skipped=skipped,
            sent=sent,
        )

        reminder_sweep_out.additional_properties = d
        return reminder_sweep_out

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
