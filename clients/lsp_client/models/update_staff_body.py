from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateStaffBody")


@_attrs_define
class UpdateStaffBody:
    """Only the fields given change.

    Attributes:
        roles (list[str] | None | Unset):
        active (bool | None | Unset):
        full_name (None | str | Unset):
        asesor_registration_number (None | str | Unset):
        resend_activation (bool | Unset): email a fresh activation link (earlier ones are void) Default: False.
    """

    roles: list[str] | None | Unset = UNSET
    active: bool | None | Unset = UNSET
    full_name: None | str | Unset = UNSET
    asesor_registration_number: None | str | Unset = UNSET
    resend_activation: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        roles: list[str] | None | Unset
        if isinstance(self.roles, Unset):
            roles = UNSET
        elif isinstance(self.roles, list):
            roles = self.roles

        else:
            roles = self.roles

        active: bool | None | Unset
        if isinstance(self.active, Unset):
            active = UNSET
        else:
            active = self.active

        full_name: None | str | Unset
        if isinstance(self.full_name, Unset):
            full_name = UNSET
        else:
            full_name = self.full_name

        asesor_registration_number: None | str | Unset
        if isinstance(self.asesor_registration_number, Unset):
            asesor_registration_number = UNSET
        else:
            asesor_registration_number = self.asesor_registration_number

        resend_activation = self.resend_activation

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if roles is not UNSET:
            field_dict["roles"] = roles
        if active is not UNSET:
            field_dict["active"] = active
        if full_name is not UNSET:
            field_dict["full_name"] = full_name
        if asesor_registration_number is not UNSET:
            field_dict["asesor_registration_number"] = asesor_registration_number
        if resend_activation is not UNSET:
            field_dict["resend_activation"] = resend_activation

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_roles(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                roles_type_0 = cast(list[str], data)

                return roles_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        roles = _parse_roles(d.pop("roles", UNSET))

        def _parse_active(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        active = _parse_active(d.pop("active", UNSET))

        def _parse_full_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        full_name = _parse_full_name(d.pop("full_name", UNSET))

        def _parse_asesor_registration_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        asesor_registration_number = _parse_asesor_registration_number(d.pop("asesor_registration_number", UNSET))

        resend_activation = d.pop("resend_activation", UNSET)

        update_staff_body = cls(
            roles=roles,
            active=active,
            full_name=full_name,
            asesor_registration_number=asesor_registration_number,
            resend_activation=resend_activation,
        )

        update_staff_body.additional_properties = d
        return update_staff_body

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
