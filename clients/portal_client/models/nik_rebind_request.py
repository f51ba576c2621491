from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="NikRebindRequest")


@_attrs_define
class NikRebindRequest:
    """``rebind_nik_binding``: move a NIK to the account whose holder's identity was checked. Who
    does it is the operator logged in (issue 12: no name in the body to take on trust).

        Attributes:
            nik (str):
            account_email (str):
            identity_check_reference (str): the identity check the operator made (case or document number), kept in the
                audit
    """

    nik: str
    account_email: str
    identity_check_reference: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        nik = self.nik

        account_email = self.account_email

        identity_check_reference = self.identity_check_reference

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "nik": nik,
                "account_email": account_email,
                "identity_check_reference": identity_check_reference,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        nik = d.pop("nik")

        account_email = d.pop("account_email")

        identity_check_reference = d.pop("identity_check_reference")

        nik_rebind_request = cls(
            nik=nik,
            account_email=account_email,
            identity_check_reference=identity_check_reference,
        )

        nik_rebind_request.additional_properties = d
        return nik_rebind_request

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
