from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BackdatedIssuance")


@_attrs_define
class BackdatedIssuance:
    """
    Attributes:
        lsp_code (str):
        application_id (str):
        issued_at (datetime.datetime):
    """

    lsp_code: str
    application_id: str
    issued_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        lsp_code = self.lsp_code

        application_id = self.application_id

        issued_at = self.issued_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "lsp_code": lsp_code,
                "application_id": application_id,
                "issued_at": issued_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        lsp_code = d.pop("lsp_code")

        application_id = d.pop("application_id")

        issued_at = datetime.datetime.fromisoformat(d.pop("issued_at"))

        backdated_issuance = cls(
            lsp_code=lsp_code,
            application_id=application_id,
            issued_at=issued_at,
        )

        backdated_issuance.additional_properties = d
        return backdated_issuance

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
