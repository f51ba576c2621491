from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.receive_siki_webhook_webhook_payment_proof_uploaded_payment_proof_webhook_data_document_ref import (
        ReceiveSikiWebhookWebhookPaymentProofUploadedPaymentProofWebhookDataDocumentRef,
    )


T = TypeVar("T", bound="ReceiveSikiWebhookWebhookPaymentProofUploadedPaymentProofWebhookData")


@_attrs_define
class ReceiveSikiWebhookWebhookPaymentProofUploadedPaymentProofWebhookData:
    """
    Attributes:
        application_id (str):
        proof_no (int):
        document (ReceiveSikiWebhookWebhookPaymentProofUploadedPaymentProofWebhookDataDocumentRef):
        uploaded_at (datetime.datetime):
    """

    application_id: str
    proof_no: int
    document: ReceiveSikiWebhookWebhookPaymentProofUploadedPaymentProofWebhookDataDocumentRef
    uploaded_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        application_id = self.application_id

        proof_no = self.proof_no

        document = self.document.to_dict()

        uploaded_at = self.uploaded_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "application_id": application_id,
                "proof_no": proof_no,
                "document": document,
                "uploaded_at": uploaded_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.receive_siki_webhook_webhook_payment_proof_uploaded_payment_proof_webhook_data_document_ref import (
            ReceiveSikiWebhookWebhookPaymentProofUploadedPaymentProofWebhookDataDocumentRef,
        )

        d = dict(src_dict)
        application_id = d.pop("application_id")

        proof_no = d.pop("proof_no")

        document = ReceiveSikiWebhookWebhookPaymentProofUploadedPaymentProofWebhookDataDocumentRef.from_dict(
            d.pop("document")
        )

        uploaded_at = datetime.datetime.fromisoformat(d.pop("uploaded_at"))

        receive_siki_webhook_webhook_payment_proof_uploaded_payment_proof_webhook_data = cls(
            application_id=application_id,
            proof_no=proof_no,
            document=document,
            uploaded_at=uploaded_at,
        )

        receive_siki_webhook_webhook_payment_proof_uploaded_payment_proof_webhook_data.additional_properties = d
        return receive_siki_webhook_webhook_payment_proof_uploaded_payment_proof_webhook_data

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
