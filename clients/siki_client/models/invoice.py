from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Invoice")


@_attrs_define
class Invoice:
    """
    Attributes:
        number (str):
        amount (float | str):
        issued_at (datetime.datetime):
        due_date (datetime.date):
        currency (str | Unset):  Default: 'IDR'.
    """

    number: str
    amount: float | str
    issued_at: datetime.datetime
    due_date: datetime.date
    currency: str | Unset = "IDR"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        amount: float | str
        amount = self.amount

        issued_at = self.issued_at.isoformat()

        due_date = self.due_date.isoformat()

        currency = self.currency

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "number": number,
                "amount": amount,
                "issued_at": issued_at,
                "due_date": due_date,
            }
        )
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        number = d.pop("number")

        def _parse_amount(data: object) -> float | str:
            return cast(float | str, data)

        amount = _parse_amount(d.pop("amount"))

        issued_at = datetime.datetime.fromisoformat(d.pop("issued_at"))

        due_date = datetime.date.fromisoformat(d.pop("due_date"))

        currency = d.pop("currency", UNSET)

        invoice = cls(
            number=number,
            amount=amount,
            issued_at=issued_at,
            due_date=due_date,
            currency=currency,
        )

        invoice.additional_properties = d
        return invoice

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
