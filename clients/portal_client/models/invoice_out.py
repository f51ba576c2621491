from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.application_status import ApplicationStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="InvoiceOut")


@_attrs_define
class InvoiceOut:
    """
    Attributes:
        number (str):
        amount (str):
        issued_at (datetime.datetime):
        due_date (datetime.date):
        application_id (str):
        status (ApplicationStatus):
        currency (str | Unset):  Default: 'IDR'.
    """

    number: str
    amount: str
    issued_at: datetime.datetime
    due_date: datetime.date
    application_id: str
    status: ApplicationStatus
    currency: str | Unset = "IDR"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        amount = self.amount

        issued_at = self.issued_at.isoformat()

        due_date = self.due_date.isoformat()

        application_id = self.application_id

        status = self.status.value

        currency = self.currency

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "number": number,
                "amount": amount,
                "issued_at": issued_at,
                "due_date": due_date,
                "application_id": application_id,
                "status": status,
            }
        )
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        number = d.pop("number")

        amount = d.pop("amount")

        issued_at = datetime.datetime.fromisoformat(d.pop("issued_at"))

        due_date = datetime.date.fromisoformat(d.pop("due_date"))

        application_id = d.pop("application_id")

        status = ApplicationStatus(d.pop("status"))

        currency = d.pop("currency", UNSET)

        invoice_out = cls(
            number=number,
            amount=amount,
            issued_at=issued_at,
            due_date=due_date,
            application_id=application_id,
            status=status,
            currency=currency,
        )

        invoice_out.additional_properties = d
        return invoice_out

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
