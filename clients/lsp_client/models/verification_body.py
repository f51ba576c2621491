from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.verification_body_decision import VerificationBodyDecision
from ..types import UNSET, Unset

T = TypeVar("T", bound="VerificationBody")


@_attrs_define
class VerificationBody:
    """
    Attributes:
        decision (VerificationBodyDecision):
        reasons (list[str] | Unset):
        override_reason (None | str | Unset): accepting an application that does not meet the scheme's requirements
            (education, experience): why, in 10 to 1000 characters without control characters; shown on the timeline and
            kept in the audit log
    """

    decision: VerificationBodyDecision
    reasons: list[str] | Unset = UNSET
    override_reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        decision = self.decision.value

        reasons: list[str] | Unset = UNSET
        if not isinstance(self.reasons, Unset):
            reasons = self.reasons

        override_reason: None | str | Unset
        if isinstance(self.override_reason, Unset):
            override_reason = UNSET
        else:
            override_reason = self.override_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "decision": decision,
            }
        )
        if reasons is not UNSET:
            field_dict["reasons"] = reasons
        if override_reason is not UNSET:
            field_dict["override_reason"] = override_reason

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        decision = VerificationBodyDecision(d.pop("decision"))

        reasons = cast(list[str], d.pop("reasons", UNSET))

        def _parse_override_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        override_reason = _parse_override_reason(d.pop("override_reason", UNSET))

        verification_body = cls(
            decision=decision,
            reasons=reasons,
            override_reason=override_reason,
        )

        verification_body.additional_properties = d
        return verification_body

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
