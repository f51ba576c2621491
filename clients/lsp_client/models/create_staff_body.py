from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateStaffBody")


@_attrs_define
class CreateStaffBody:
    """
    Attributes:
        username (str): 3 to 64 characters: lower-case letters, digits and . _ -
        full_name (str):
        email (str):
        roles (list[str]):
        asesor_registration_number (None | str | Unset): required for the role asesor, e.g. MET.000.001234 2019
    """

    username: str
    full_name: str
    email: str
    roles: list[str]
    asesor_registration_number: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        username = self.username

        full_name = self.full_name

        email = self.email

        roles = self.roles

        asesor_registration_number: None | str | Unset
        if isinstance(self.asesor_registration_number, Unset):
            asesor_registration_number = UNSET
        else:
            asesor_registration_number = self.asesor_registration_number

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "username": username,
                "full_name": full_name,
                "email": email,
                "roles": roles,
            }
        )
        if asesor_registration_number is not UNSET:
            field_dict["asesor_registration_number"] = asesor_registration_number

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        username = d.pop("username")

        full_name = d.pop("full_name")

        email = d.pop("email")

        roles = cast(list[str], d.pop("roles"))

        def _parse_asesor_registration_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        asesor_registration_number = _parse_asesor_registration_number(d.pop("asesor_registration_number", UNSET))

        create_staff_body = cls(
            username=username,
            full_name=full_name,
            email=email,
            roles=roles,
            asesor_registration_number=asesor_registration_number,
        )

        create_staff_body.additional_properties = d
        return create_staff_body

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
