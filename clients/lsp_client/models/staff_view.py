from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="StaffView")


@_attrs_define
class StaffView:
    """
    Attributes:
        username (str):
        full_name (None | str):
        email (None | str):
        roles (list[str]):
        active (bool):
        activated (bool): whether the account has set its password through the emailed link
        activated_at (datetime.datetime | None):
        asesor_registration_number (None | str):
        created_at (datetime.datetime):
        created_by (None | str):
        updated_at (datetime.datetime | None):
    """

    username: str
    full_name: None | str
    email: None | str
    roles: list[str]
    active: bool
    activated: bool
    activated_at: datetime.datetime | None
    asesor_registration_number: None | str
    created_at: datetime.datetime
    created_by: None | str
    updated_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        username = self.username

        full_name: None | str
        full_name = self.full_name

        email: None | str
        email = self.email

        roles = self.roles

        active = self.active

        activated = self.activated

        activated_at: None | str
        if isinstance(self.activated_at, datetime.datetime):
            activated_at = self.activated_at.isoformat()
        else:
            activated_at = self.activated_at

        asesor_registration_number: None | str
        asesor_registration_number = self.asesor_registration_number

        created_at = self.created_at.isoformat()

        created_by: None | str
        created_by = self.created_by

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "username": username,
                "full_name": full_name,
                "email": email,
                "roles": roles,
                "active": active,
                "activated": activated,
                "activated_at": activated_at,
                "asesor_registration_number": asesor_registration_number,
                "created_at": created_at,
                "created_by": created_by,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        username = d.pop("username")

        def _parse_full_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        full_name = _parse_full_name(d.pop("full_name"))

        def _parse_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        email = _parse_email(d.pop("email"))

        roles = cast(list[str], d.pop("roles"))

        active = d.pop("active")

        activated = d.pop("activated")

        def _parse_activated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                activated_at_type_0 = datetime.datetime.fromisoformat(data)

                return activated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        activated_at = _parse_activated_at(d.pop("activated_at"))

        def _parse_asesor_registration_number(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        asesor_registration_number = _parse_asesor_registration_number(d.pop("asesor_registration_number"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_created_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        created_by = _parse_created_by(d.pop("created_by"))

        def _parse_updated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        updated_at = _parse_updated_at(d.pop("updated_at"))

        staff_view = cls(
            username=username,
            full_name=full_name,
            email=email,
            roles=roles,
            active=active,
            activated=activated,
            activated_at=activated_at,
            asesor_registration_number=asesor_registration_number,
            created_at=created_at,
            created_by=created_by,
            updated_at=updated_at,
        )

        staff_view.additional_properties = d
        return staff_view

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
