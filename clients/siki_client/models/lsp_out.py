from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LspOut")


@_attrs_define
class LspOut:
    """
    Attributes:
        code (str):
        name (str):
        webhook_url (str):
        jabatan_kerja_codes (list[str]):
        active (bool):
        created_at (datetime.datetime):
        rotated_at (datetime.datetime | None | Unset):
        previous_secret_until (datetime.datetime | None | Unset):
    """

    code: str
    name: str
    webhook_url: str
    jabatan_kerja_codes: list[str]
    active: bool
    created_at: datetime.datetime
    rotated_at: datetime.datetime | None | Unset = UNSET
    previous_secret_until: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        name = self.name

        webhook_url = self.webhook_url

        jabatan_kerja_codes = self.jabatan_kerja_codes

        active = self.active

        created_at = self.created_at.isoformat()

        rotated_at: None | str | Unset
        if isinstance(self.rotated_at, Unset):
            rotated_at = UNSET
        elif isinstance(self.rotated_at, datetime.datetime):
            rotated_at = self.rotated_at.isoformat()
        else:
            rotated_at = self.rotated_at

        previous_secret_until: None | str | Unset
        if isinstance(self.previous_secret_until, Unset):
            previous_secret_until = UNSET
        elif isinstance(self.previous_secret_until, datetime.datetime):
            previous_secret_until = self.previous_secret_until.isoformat()
        else:
            previous_secret_until = self.previous_secret_until

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "name": name,
                "webhook_url": webhook_url,
                "jabatan_kerja_codes": jabatan_kerja_codes,
                "active": active,
                "created_at": created_at,
            }
        )
        if rotated_at is not UNSET:
            field_dict["rotated_at"] = rotated_at
        if previous_secret_until is not UNSET:
            field_dict["previous_secret_until"] = previous_secret_until

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        code = d.pop("code")

        name = d.pop("name")

        webhook_url = d.pop("webhook_url")

        jabatan_kerja_codes = cast(list[str], d.pop("jabatan_kerja_codes"))

        active = d.pop("active")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_rotated_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                rotated_at_type_0 = datetime.datetime.fromisoformat(data)

                return rotated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        rotated_at = _parse_rotated_at(d.pop("rotated_at", UNSET))

        def _parse_previous_secret_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                previous_secret_until_type_0 = datetime.datetime.fromisoformat(data)

                return previous_secret_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        previous_secret_until = _parse_previous_secret_until(d.pop("previous_secret_until", UNSET))

        lsp_out = cls(
            code=code,
            name=name,
            webhook_url=webhook_url,
            jabatan_kerja_codes=jabatan_kerja_codes,
            active=active,
            created_at=created_at,
            rotated_at=rotated_at,
            previous_secret_until=previous_secret_until,
        )

        lsp_out.additional_properties = d
        return lsp_out

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
