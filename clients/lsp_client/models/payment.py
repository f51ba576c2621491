from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.payment_proof import PaymentProof


T = TypeVar("T", bound="Payment")


@_attrs_define
class Payment:
    """
    Attributes:
        proof_no (int):
        proof (None | PaymentProof):
        verified_by (None | str):
        reasons (list[str]):
    """

    proof_no: int
    proof: None | PaymentProof
    verified_by: None | str
    reasons: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.payment_proof import PaymentProof

        proof_no = self.proof_no

        proof: dict[str, Any] | None
        if isinstance(self.proof, PaymentProof):
            proof = self.proof.to_dict()
        else:
            proof = self.proof

        verified_by: None | str
        verified_by = self.verified_by

        reasons = self.reasons

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "proof_no": proof_no,
                "proof": proof,
                "verified_by": verified_by,
                "reasons": reasons,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.payment_proof import PaymentProof

        d = dict(src_dict)
        proof_no = d.pop("proof_no")

        def _parse_proof(data: object) -> None | PaymentProof:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                proof_type_0 = PaymentProof.from_dict(data)

                return proof_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PaymentProof, data)

        proof = _parse_proof(d.pop("proof"))

        def _parse_verified_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        verified_by = _parse_verified_by(d.pop("verified_by"))

        reasons = cast(list[str], d.pop("reasons"))

        payment = cls(
            proof_no=proof_no,
            proof=proof,
            verified_by=verified_by,
            reasons=reasons,
        )

        payment.additional_properties = d
        return payment

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
