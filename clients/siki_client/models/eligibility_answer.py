from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="EligibilityAnswer")


@_attrs_define
class EligibilityAnswer:
    """``check_application_eligibility``: the NIK's ownership rules recomputed now, as if the
    application were being submitted (itself excluded); ``reasons`` say what it would break.

        Attributes:
            application_id (str):
            eligible (bool):
            reasons (list[str] | Unset):
    """

    application_id: str
    eligible: bool
    reasons: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        application_id = self.application_id

        eligible = self.eligible

        reasons: list[str] | Unset = UNSET
        if not isinstance(self.reasons, Unset):
            reasons = self.reasons

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "application_id": application_id,
                "eligible": eligible,
            }
        )
        if reasons is not UNSET:
            field_dict["reasons"] = reasons

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        application_id = d.pop("application_id")

        eligible = d.pop("eligible")

        reasons = cast(list[str], d.pop("reasons", UNSET))

        eligibility_answer = cls(
            application_id=application_id,
            eligible=eligible,
            reasons=reasons,
        )

        eligibility_answer.additional_properties = d
        return eligibility_answer

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
