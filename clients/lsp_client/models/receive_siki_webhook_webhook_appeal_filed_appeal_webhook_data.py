from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ReceiveSikiWebhookWebhookAppealFiledAppealWebhookData")


@_attrs_define
class ReceiveSikiWebhookWebhookAppealFiledAppealWebhookData:
    """
    Attributes:
        application_id (str):
        reason (str):
        filed_at (datetime.datetime):
    """

    application_id: str
    reason: str
    filed_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        application_id = self.application_id

        reason = self.reason

        filed_at = self.filed_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "application_id": application_id,
                "reason": reason,
                "filed_at": filed_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        application_id = d.pop("application_id")

        reason = d.pop("reason")

        filed_at = datetime.datetime.fromisoformat(d.pop("filed_at"))

        receive_siki_webhook_webhook_appeal_filed_appeal_webhook_data = cls(
            application_id=application_id,
            reason=reason,
            filed_at=filed_at,
        )

        receive_siki_webhook_webhook_appeal_filed_appeal_webhook_data.additional_properties = d
        return receive_siki_webhook_webhook_appeal_filed_appeal_webhook_data

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
