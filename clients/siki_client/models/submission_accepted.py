from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.application_status import ApplicationStatus

T = TypeVar("T", bound="SubmissionAccepted")


@_attrs_define
class SubmissionAccepted:
    """
    Attributes:
        id (str):
        status (ApplicationStatus):
        lsp_code (str):
    """

    id: str
    status: ApplicationStatus
    lsp_code: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        status = self.status.value

        lsp_code = self.lsp_code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "lsp_code": lsp_code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        status = ApplicationStatus(d.pop("status"))

        lsp_code = d.pop("lsp_code")

        submission_accepted = cls(
            id=id,
            status=status,
            lsp_code=lsp_code,
        )

        submission_accepted.additional_properties = d
        return submission_accepted

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
