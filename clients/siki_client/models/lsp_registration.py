from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LspRegistration")


@_attrs_define
class LspRegistration:
    """operator -> SIKI ``register_lsp``.

    Attributes:
        code (str):
        name (str):
        webhook_url (str):
        jabatan_kerja_codes (list[str] | Unset):
        active (bool | Unset):  Default: True.
    """

    code: str
    name: str
    webhook_url: str
    jabatan_kerja_codes: list[str] | Unset = UNSET
    active: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        name = self.name

        webhook_url = self.webhook_url

        jabatan_kerja_codes: list[str] | Unset = UNSET
        if not isinstance(self.jabatan_kerja_codes, Unset):
            jabatan_kerja_codes = self.jabatan_kerja_codes

        active = self.active

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "name": name,
                "webhook_url": webhook_url,
            }
        )
        if jabatan_kerja_codes is not UNSET:
            field_dict["jabatan_kerja_codes"] = jabatan_kerja_codes
        if active is not UNSET:
            field_dict["active"] = active

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        code = d.pop("code")

        name = d.pop("name")

        webhook_url = d.pop("webhook_url")

        jabatan_kerja_codes = cast(list[str], d.pop("jabatan_kerja_codes", UNSET))

        active = d.pop("active", UNSET)

        lsp_registration = cls(
            code=code,
            name=name,
            webhook_url=webhook_url,
            jabatan_kerja_codes=jabatan_kerja_codes,
            active=active,
        )

        lsp_registration.additional_properties = d
        return lsp_registration

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
