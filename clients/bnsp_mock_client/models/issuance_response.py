from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="IssuanceResponse")


@_attrs_define
class IssuanceResponse:
    """
    Attributes:
        lsp_code (str):
        application_id (str):
        skk_number (str):
        registration_number (str):
        issued_at (datetime.datetime):
    """

    lsp_code: str
    application_id: str
    skk_number: str
    registration_number: str
    issued_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        lsp_code = self.lsp_code

        application_id = self.application_id

        skk_number = self.skk_number

        registration_number = self.registration_number

        issued_at = self.issued_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "lsp_code": lsp_code,
                "application_id": application_id,
                "skk_number": skk_number,
                "registration_number": registration_number,
                "issued_at": issued_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        lsp_code = d.pop("lsp_code")

        application_id = d.pop("application_id")

        skk_number = d.pop("skk_number")

        registration_number = d.pop("registration_number")

        issued_at = datetime.datetime.fromisoformat(d.pop("issued_at"))

        issuance_response = cls(
            lsp_code=lsp_code,
            application_id=application_id,
            skk_number=skk_number,
            registration_number=registration_number,
            issued_at=issued_at,
        )

        issuance_response.additional_properties = d
        return issuance_response

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
