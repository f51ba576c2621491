from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="QrVerifyRequest")


@_attrs_define
class QrVerifyRequest:
    """
    Attributes:
        qr_payload (str): what the QR code encodes: the whole URL (``{PUBLIC_URL}/V/<compact COSE_Sign1, base45
            variant>`` now, ``...?qr=<JWS>`` on older codes), or the bare payload of either form
    """

    qr_payload: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        qr_payload = self.qr_payload

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "qr_payload": qr_payload,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        qr_payload = d.pop("qr_payload")

        qr_verify_request = cls(
            qr_payload=qr_payload,
        )

        qr_verify_request.additional_properties = d
        return qr_verify_request

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
