from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.receive_siki_webhook_webhook_payment_proof_uploaded_payment_proof_webhook_data import (
        ReceiveSikiWebhookWebhookPaymentProofUploadedPaymentProofWebhookData,
    )


T = TypeVar("T", bound="ReceiveSikiWebhookWebhookPaymentProofUploaded")


@_attrs_define
class ReceiveSikiWebhookWebhookPaymentProofUploaded:
    """
    Attributes:
        type_ (Literal['payment.proof_uploaded']):
        timestamp (datetime.datetime):
        data (ReceiveSikiWebhookWebhookPaymentProofUploadedPaymentProofWebhookData):
    """

    type_: Literal["payment.proof_uploaded"]
    timestamp: datetime.datetime
    data: ReceiveSikiWebhookWebhookPaymentProofUploadedPaymentProofWebhookData
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
        from ..models.receive_siki_webhook_webhook_payment_proof_uploaded_payment_proof_webhook_data import (
            ReceiveSikiWebhookWebhookPaymentProofUploadedPaymentProofWebhookData,
        )

        d = dict(src_dict)
        type_ = cast(Literal["payment.proof_uploaded"], d.pop("type"))
        if type_ != "payment.proof_uploaded":
            raise ValueError(f"type must match const 'payment.proof_uploaded', got '{type_}'")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        data = ReceiveSikiWebhookWebhookPaymentProofUploadedPaymentProofWebhookData.from_dict(d.pop("data"))

        receive_siki_webhook_webhook_payment_proof_uploaded = cls(
            type_=type_,
            timestamp=timestamp,
            data=data,
        )

        receive_siki_webhook_webhook_payment_proof_uploaded.additional_properties = d
        return receive_siki_webhook_webhook_payment_proof_uploaded

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
