from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.document_ref import DocumentRef


T = TypeVar("T", bound="PaymentProofSubmission")


@_attrs_define
class PaymentProofSubmission:
    """portal -> SIKI ``upload_payment_proof``.

    Attributes:
        document (DocumentRef):
        uploaded_at (datetime.datetime):
        proof_no (int | Unset): +1 for each proof uploaded; makes retries idempotent Default: 1.
    """

    document: DocumentRef
    uploaded_at: datetime.datetime
    proof_no: int | Unset = 1
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        document = self.document.to_dict()

        uploaded_at = self.uploaded_at.isoformat()

        proof_no = self.proof_no

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "document": document,
                "uploaded_at": uploaded_at,
            }
        )
        if proof_no is not UNSET:
            field_dict["proof_no"] = proof_no

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.document_ref import DocumentRef

        d = dict(src_dict)
        document = DocumentRef.from_dict(d.pop("document"))

        uploaded_at = datetime.datetime.fromisoformat(d.pop("uploaded_at"))

        proof_no = d.pop("proof_no", UNSET)

        payment_proof_submission = cls(
            document=document,
            uploaded_at=uploaded_at,
            proof_no=proof_no,
        )

        payment_proof_submission.additional_properties = d
        return payment_proof_submission

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
