from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.webhook_delivery_out_status import WebhookDeliveryOutStatus
from ..models.webhook_delivery_out_type import WebhookDeliveryOutType

if TYPE_CHECKING:
    from ..models.webhook_attempt_out import WebhookAttemptOut


T = TypeVar("T", bound="WebhookDeliveryOut")


@_attrs_define
class WebhookDeliveryOut:
    """One webhook to one LSP and its attempts (``id`` is the ``webhook-id`` of every attempt).

    Attributes:
        id (str):
        application_id (str):
        lsp_code (str):
        type_ (WebhookDeliveryOutType):
        status (WebhookDeliveryOutStatus):
        attempt_count (int):
        redeliveries (int):
        last_error (None | str):
        created_at (datetime.datetime):
        delivered_at (datetime.datetime | None):
        attempts (list[WebhookAttemptOut]):
    """

    id: str
    application_id: str
    lsp_code: str
    type_: WebhookDeliveryOutType
    status: WebhookDeliveryOutStatus
    attempt_count: int
    redeliveries: int
    last_error: None | str
    created_at: datetime.datetime
    delivered_at: datetime.datetime | None
    attempts: list[WebhookAttemptOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        application_id = self.application_id

        lsp_code = self.lsp_code

        type_ = self.type_.value

        status = self.status.value

        attempt_count = self.attempt_count

        redeliveries = self.redeliveries

        last_error: None | str
        last_error = self.last_error

        created_at = self.created_at.isoformat()

        delivered_at: None | str
        if isinstance(self.delivered_at, datetime.datetime):
            delivered_at = self.delivered_at.isoformat()
        else:
            delivered_at = self.delivered_at

        attempts = []
        for attempts_item_data in self.attempts:
            attempts_item = attempts_item_data.to_dict()
            attempts.append(attempts_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "application_id": application_id,
                "lsp_code": lsp_code,
                "type": type_,
                "status": status,
                "attempt_count": attempt_count,
                "redeliveries": redeliveries,
                "last_error": last_error,
                "created_at": created_at,
                "delivered_at": delivered_at,
                "attempts": attempts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.webhook_attempt_out import WebhookAttemptOut

        d = dict(src_dict)
        id = d.pop("id")

        application_id = d.pop("application_id")

        lsp_code = d.pop("lsp_code")

        type_ = WebhookDeliveryOutType(d.pop("type"))

        status = WebhookDeliveryOutStatus(d.pop("status"))

        attempt_count = d.pop("attempt_count")

        redeliveries = d.pop("redeliveries")

        def _parse_last_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_error = _parse_last_error(d.pop("last_error"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_delivered_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                delivered_at_type_0 = datetime.datetime.fromisoformat(data)

                return delivered_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        delivered_at = _parse_delivered_at(d.pop("delivered_at"))

        attempts = []
        _attempts = d.pop("attempts")
        for attempts_item_data in _attempts:
            attempts_item = WebhookAttemptOut.from_dict(attempts_item_data)

            attempts.append(attempts_item)

        webhook_delivery_out = cls(
            id=id,
            application_id=application_id,
            lsp_code=lsp_code,
            type_=type_,
            status=status,
            attempt_count=attempt_count,
            redeliveries=redeliveries,
            last_error=last_error,
            created_at=created_at,
            delivered_at=delivered_at,
            attempts=attempts,
        )

        webhook_delivery_out.additional_properties = d
        return webhook_delivery_out

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
