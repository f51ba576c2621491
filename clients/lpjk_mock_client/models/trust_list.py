from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.trusted_key import TrustedKey


T = TypeVar("T", bound="TrustList")


@_attrs_define
class TrustList:
    """
    Attributes:
        issued_at (datetime.datetime):
        issuer (str | Unset):  Default: 'LPJK'.
        keys (list[TrustedKey] | Unset):
    """

    issued_at: datetime.datetime
    issuer: str | Unset = "LPJK"
    keys: list[TrustedKey] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        issued_at = self.issued_at.isoformat()

        issuer = self.issuer

        keys: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.keys, Unset):
            keys = []
            for keys_item_data in self.keys:
                keys_item = keys_item_data.to_dict()
                keys.append(keys_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "issued_at": issued_at,
            }
        )
        if issuer is not UNSET:
            field_dict["issuer"] = issuer
        if keys is not UNSET:
            field_dict["keys"] = keys

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.trusted_key import TrustedKey

        d = dict(src_dict)
        issued_at = datetime.datetime.fromisoformat(d.pop("issued_at"))

        issuer = d.pop("issuer", UNSET)

        _keys = d.pop("keys", UNSET)
        keys: list[TrustedKey] | Unset = UNSET
        if _keys is not UNSET:
            keys = []
            for keys_item_data in _keys:
                keys_item = TrustedKey.from_dict(keys_item_data)

                keys.append(keys_item)

        trust_list = cls(
            issued_at=issued_at,
            issuer=issuer,
            keys=keys,
        )

        trust_list.additional_properties = d
        return trust_list

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
