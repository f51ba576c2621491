from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.receive_siki_webhook_webhook_certificate_status_changed_certificate_status_webhook_data import (
        ReceiveSikiWebhookWebhookCertificateStatusChangedCertificateStatusWebhookData,
    )


T = TypeVar("T", bound="ReceiveSikiWebhookWebhookCertificateStatusChanged")


@_attrs_define
class ReceiveSikiWebhookWebhookCertificateStatusChanged:
    """
    Attributes:
        type_ (Literal['certificate.status_changed']):
        timestamp (datetime.datetime):
        data (ReceiveSikiWebhookWebhookCertificateStatusChangedCertificateStatusWebhookData):
            ``certificate.status_changed``: LPJK suspended, reinstated, revoked or superseded a
            certificate the LSP issued (SIKI relays LPJK's event). ``seq`` numbers the certificate's
            changes 1, 2, ...: the LSP applies one only if it is newer than the last it applied.
    """

    type_: Literal["certificate.status_changed"]
    timestamp: datetime.datetime
    data: ReceiveSikiWebhookWebhookCertificateStatusChangedCertificateStatusWebhookData
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        timestamp = self.timestamp.isoformat()

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "timestamp": timestamp,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.receive_siki_webhook_webhook_certificate_status_changed_certificate_status_webhook_data import (
            ReceiveSikiWebhookWebhookCertificateStatusChangedCertificateStatusWebhookData,
        )

        d = dict(src_dict)
        type_ = cast(Literal["certificate.status_changed"], d.pop("type"))
        if type_ != "certificate.status_changed":
            raise ValueError(f"type must match const 'certificate.status_changed', got '{type_}'")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        data = ReceiveSikiWebhookWebhookCertificateStatusChangedCertificateStatusWebhookData.from_dict(d.pop("data"))

        receive_siki_webhook_webhook_certificate_status_changed = cls(
            type_=type_,
            timestamp=timestamp,
            data=data,
        )

        receive_siki_webhook_webhook_certificate_status_changed.additional_properties = d
        return receive_siki_webhook_webhook_certificate_status_changed

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
