from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RegisterRequest")


@_attrs_define
class RegisterRequest:
    """
    Attributes:
        first_name (str):
        last_name (str):
        email (str):
        phone (str):
        is_individual (bool):
        data_truth_consent (bool):
    """

    first_name: str
    last_name: str
    email: str
    phone: str
    is_individual: bool
    data_truth_consent: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        first_name = self.first_name

        last_name = self.last_name

        email = self.email

        phone = self.phone

        is_individual = self.is_individual

        data_truth_consent = self.data_truth_consent

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "first_name": first_name,
                "last_name": last_name,
                "email": email,
                "phone": phone,
                "is_individual": is_individual,
                "data_truth_consent": data_truth_consent,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        first_name = d.pop("first_name")

        last_name = d.pop("last_name")

        email = d.pop("email")

        phone = d.pop("phone")

        is_individual = d.pop("is_individual")

        data_truth_consent = d.pop("data_truth_consent")

        register_request = cls(
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=phone,
            is_individual=is_individual,
            data_truth_consent=data_truth_consent,
        )

        register_request.additional_properties = d
        return register_request

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
