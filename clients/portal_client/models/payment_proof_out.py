from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.document_out import DocumentOut


T = TypeVar("T", bound="PaymentProofOut")


@_attrs_define
class PaymentProofOut:
    """
    Attributes:
        application_id (str):
        status (str):
        proof_no (int):
        document (DocumentOut):
    """

    application_id: str
    status: str
    proof_no: int
    document: DocumentOut
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        application_id = self.application_id

        status = self.status

        proof_no = self.proof_no

        document = self.document.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "application_id": application_id,
                "status": status,
                "proof_no": proof_no,
                "document": document,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.document_out import DocumentOut

        d = dict(src_dict)
        application_id = d.pop("application_id")

        status = d.pop("status")

        proof_no = d.pop("proof_no")

        document = DocumentOut.from_dict(d.pop("document"))

        payment_proof_out = cls(
            application_id=application_id,
            status=status,
            proof_no=proof_no,
            document=document,
        )

        payment_proof_out.additional_properties = d
        return payment_proof_out

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
