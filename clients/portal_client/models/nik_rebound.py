from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="NikRebound")


@_attrs_define
class NikRebound:
    """``rebind_nik_binding``'s answer: where the NIK is bound now, and the audit row's facts.

    Attributes:
        nik_masked (str):
        account_id (str):
        account_email (str):
        previous_account_id (None | str):
        operator_name (str):
        identity_check_reference (str):
        rebound_at (datetime.datetime):
    """

    nik_masked: str
    account_id: str
    account_email: str
    previous_account_id: None | str
    operator_name: str
    identity_check_reference: str
    rebound_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        nik_masked = self.nik_masked

        account_id = self.account_id

        account_email = self.account_email

        previous_account_id: None | str
        previous_account_id = self.previous_account_id

        operator_name = self.operator_name

        identity_check_reference = self.identity_check_reference

        rebound_at = self.rebound_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "nik_masked": nik_masked,
                "account_id": account_id,
                "account_email": account_email,
                "previous_account_id": previous_account_id,
                "operator_name": operator_name,
                "identity_check_reference": identity_check_reference,
                "rebound_at": rebound_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        nik_masked = d.pop("nik_masked")

        account_id = d.pop("account_id")

        account_email = d.pop("account_email")

        def _parse_previous_account_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        previous_account_id = _parse_previous_account_id(d.pop("previous_account_id"))

        operator_name = d.pop("operator_name")

        identity_check_reference = d.pop("identity_check_reference")

        rebound_at = datetime.datetime.fromisoformat(d.pop("rebound_at"))

        nik_rebound = cls(
            nik_masked=nik_masked,
            account_id=account_id,
            account_email=account_email,
            previous_account_id=previous_account_id,
            operator_name=operator_name,
            identity_check_reference=identity_check_reference,
            rebound_at=rebound_at,
        )

        nik_rebound.additional_properties = d
        return nik_rebound

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
