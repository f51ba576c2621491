from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DataChange")


@_attrs_define
class DataChange:
    """One field a change (perubahan) corrects on the held certificate.

    Attributes:
        field (Literal['full_name']):
        old (None | str): the value on the held certificate, when this LSP issued it (else null)
        new (None | str): the value the new certificate carries (the personal-data section)
    """

    field: Literal["full_name"]
    old: None | str
    new: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field = self.field

        old: None | str
        old = self.old

        new: None | str
        new = self.new

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "field": field,
                "old": old,
                "new": new,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        field = cast(Literal["full_name"], d.pop("field"))
        if field != "full_name":
            raise ValueError(f"field must match const 'full_name', got '{field}'")

        def _parse_old(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        old = _parse_old(d.pop("old"))

        def _parse_new(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        new = _parse_new(d.pop("new"))

        data_change = cls(
            field=field,
            old=old,
            new=new,
        )

        data_change.additional_properties = d
        return data_change

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
