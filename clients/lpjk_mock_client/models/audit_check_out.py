from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AuditCheckOut")


@_attrs_define
class AuditCheckOut:
    """
    Attributes:
        ok (bool):
        checked (int):
        first_invalid_id (int | None):
    """

    ok: bool
    checked: int
    first_invalid_id: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ok = self.ok

        checked = self.checked

        first_invalid_id: int | None
        first_invalid_id = self.first_invalid_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ok": ok,
                "checked": checked,
                "first_invalid_id": first_invalid_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        ok = d.pop("ok")

        checked = d.pop("checked")

        def _parse_first_invalid_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        first_invalid_id = _parse_first_invalid_id(d.pop("first_invalid_id"))

        audit_check_out = cls(
            ok=ok,
            checked=checked,
            first_invalid_id=first_invalid_id,
        )

        audit_check_out.additional_properties = d
        return audit_check_out

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
