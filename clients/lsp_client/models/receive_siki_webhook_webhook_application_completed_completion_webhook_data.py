from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ReceiveSikiWebhookWebhookApplicationCompletedCompletionWebhookData")


@_attrs_define
class ReceiveSikiWebhookWebhookApplicationCompletedCompletionWebhookData:
    """``application.completed``: the applicant downloaded the e-certificate, SIKI closed the
    application (sent once, to the LSP that issued it).

        Attributes:
            application_id (str):
            completed_at (datetime.datetime):
            skk_number (None | str | Unset):
    """

    application_id: str
    completed_at: datetime.datetime
    skk_number: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        application_id = self.application_id

        completed_at = self.completed_at.isoformat()

        skk_number: None | str | Unset
        if isinstance(self.skk_number, Unset):
            skk_number = UNSET
        else:
            skk_number = self.skk_number

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "application_id": application_id,
                "completed_at": completed_at,
            }
        )
        if skk_number is not UNSET:
            field_dict["skk_number"] = skk_number

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        application_id = d.pop("application_id")

        completed_at = datetime.datetime.fromisoformat(d.pop("completed_at"))

        def _parse_skk_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        skk_number = _parse_skk_number(d.pop("skk_number", UNSET))

        receive_siki_webhook_webhook_application_completed_completion_webhook_data = cls(
            application_id=application_id,
            completed_at=completed_at,
            skk_number=skk_number,
        )

        receive_siki_webhook_webhook_application_completed_completion_webhook_data.additional_properties = d
        return receive_siki_webhook_webhook_application_completed_completion_webhook_data

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
