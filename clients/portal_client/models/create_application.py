from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CreateApplication")


@_attrs_define
class CreateApplication:
    """``baru`` (empty draft), or ``perpanjangan`` / ``perubahan`` of the held SKK named by
    ``previous_skk_number`` (the draft is prefilled from the application that issued it).

        Attributes:
            application_kind (str | Unset):  Default: 'baru'.
            previous_skk_number (None | str | Unset):
    """

    application_kind: str | Unset = "baru"
    previous_skk_number: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        application_kind = self.application_kind

        previous_skk_number: None | str | Unset
        if isinstance(self.previous_skk_number, Unset):
            previous_skk_number = UNSET
        else:
            previous_skk_number = self.previous_skk_number

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if application_kind is not UNSET:
            field_dict["application_kind"] = application_kind
        if previous_skk_number is not UNSET:
            field_dict["previous_skk_number"] = previous_skk_number

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        application_kind = d.pop("application_kind", UNSET)

        def _parse_previous_skk_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        previous_skk_number = _parse_previous_skk_number(d.pop("previous_skk_number", UNSET))

        create_application = cls(
            application_kind=application_kind,
            previous_skk_number=previous_skk_number,
        )

        create_application.additional_properties = d
        return create_application

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
