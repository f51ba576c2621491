from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Eligibility")


@_attrs_define
class Eligibility:
    """SIKI's re-check of the ownership limits (``check_application_eligibility``) for this
    submission; absent until SIKI answered (then checked again before an acceptance).

        Attributes:
            eligible (bool):
            reasons (list[str]):
            checked_at (datetime.datetime):
            submission_no (int):
    """

    eligible: bool
    reasons: list[str]
    checked_at: datetime.datetime
    submission_no: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        eligible = self.eligible

        reasons = self.reasons

        checked_at = self.checked_at.isoformat()

        submission_no = self.submission_no

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "eligible": eligible,
                "reasons": reasons,
                "checked_at": checked_at,
                "submission_no": submission_no,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        eligible = d.pop("eligible")

        reasons = cast(list[str], d.pop("reasons"))

        checked_at = datetime.datetime.fromisoformat(d.pop("checked_at"))

        submission_no = d.pop("submission_no")

        eligibility = cls(
            eligible=eligible,
            reasons=reasons,
            checked_at=checked_at,
            submission_no=submission_no,
        )

        eligibility.additional_properties = d
        return eligibility

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
