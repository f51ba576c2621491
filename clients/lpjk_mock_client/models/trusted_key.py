from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.trusted_key_purposes_item import TrustedKeyPurposesItem
from ..models.trusted_key_status import TrustedKeyStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="TrustedKey")


@_attrs_define
class TrustedKey:
    """
    Attributes:
        kid (str):
        owner (str):
        purposes (list[TrustedKeyPurposesItem]):
        status (TrustedKeyStatus):
        valid_from (datetime.datetime | None | Unset):
        valid_until (datetime.datetime | None | Unset):
        kty (None | str | Unset):
        crv (None | str | Unset):
        x (None | str | Unset):
        certificate_pem (None | str | Unset):
    """

    kid: str
    owner: str
    purposes: list[TrustedKeyPurposesItem]
    status: TrustedKeyStatus
    valid_from: datetime.datetime | None | Unset = UNSET
    valid_until: datetime.datetime | None | Unset = UNSET
    kty: None | str | Unset = UNSET
    crv: None | str | Unset = UNSET
    x: None | str | Unset = UNSET
    certificate_pem: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kid = self.kid

        owner = self.owner

        purposes = []
        for purposes_item_data in self.purposes:
            purposes_item = purposes_item_data.value
            purposes.append(purposes_item)

        status = self.status.value

        valid_from: None | str | Unset
        if isinstance(self.valid_from, Unset):
            valid_from = UNSET
        elif isinstance(self.valid_from, datetime.datetime):
            valid_from = self.valid_from.isoformat()
        else:
            valid_from = self.valid_from

        valid_until: None | str | Unset
        if isinstance(self.valid_until, Unset):
            valid_until = UNSET
        elif isinstance(self.valid_until, datetime.datetime):
            valid_until = self.valid_until.isoformat()
        else:
            valid_until = self.valid_until

        kty: None | str | Unset
        if isinstance(self.kty, Unset):
            kty = UNSET
        else:
            kty = self.kty

        crv: None | str | Unset
        if isinstance(self.crv, Unset):
            crv = UNSET
        else:
            crv = self.crv

        x: None | str | Unset
        if isinstance(self.x, Unset):
            x = UNSET
        else:
            x = self.x

        certificate_pem: None | str | Unset
        if isinstance(self.certificate_pem, Unset):
            certificate_pem = UNSET
        else:
            certificate_pem = self.certificate_pem

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kid": kid,
                "owner": owner,
                "purposes": purposes,
                "status": status,
            }
        )
        if valid_from is not UNSET:
            field_dict["valid_from"] = valid_from
        if valid_until is not UNSET:
            field_dict["valid_until"] = valid_until
        if kty is not UNSET:
            field_dict["kty"] = kty
        if crv is not UNSET:
            field_dict["crv"] = crv
        if x is not UNSET:
            field_dict["x"] = x
        if certificate_pem is not UNSET:
            field_dict["certificate_pem"] = certificate_pem

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        kid = d.pop("kid")

        owner = d.pop("owner")

        purposes = []
        _purposes = d.pop("purposes")
        for purposes_item_data in _purposes:
            purposes_item = TrustedKeyPurposesItem(purposes_item_data)

            purposes.append(purposes_item)

        status = TrustedKeyStatus(d.pop("status"))

        def _parse_valid_from(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                valid_from_type_0 = datetime.datetime.fromisoformat(data)

                return valid_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        valid_from = _parse_valid_from(d.pop("valid_from", UNSET))

        def _parse_valid_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                valid_until_type_0 = datetime.datetime.fromisoformat(data)

                return valid_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        valid_until = _parse_valid_until(d.pop("valid_until", UNSET))

        def _parse_kty(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        kty = _parse_kty(d.pop("kty", UNSET))

        def _parse_crv(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        crv = _parse_crv(d.pop("crv", UNSET))

        def _parse_x(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        x = _parse_x(d.pop("x", UNSET))

        def _parse_certificate_pem(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        certificate_pem = _parse_certificate_pem(d.pop("certificate_pem", UNSET))

        trusted_key = cls(
            kid=kid,
            owner=owner,
            purposes=purposes,
            status=status,
            valid_from=valid_from,
            valid_until=valid_until,
            kty=kty,
            crv=crv,
            x=x,
            certificate_pem=certificate_pem,
        )

        trusted_key.additional_properties = d
        return trusted_key

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
