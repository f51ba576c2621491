from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RecordAnswer")


@_attrs_define
class RecordAnswer:
    """
    Attributes:
        recording_number (str):
        skk_number (str):
        registration_number (str):
        qr_payload (str):
        verification_url (str):
        issued_on (datetime.date):
        valid_until (datetime.date):
        qr_png_base64 (str): the QR code encoding verification_url, as a base64 PNG
    """

    recording_number: str
    skk_number: str
    registration_number: str
    qr_payload: str
    verification_url: str
    issued_on: datetime.date
    valid_until: datetime.date
    qr_png_base64: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        recording_number = self.recording_number

        skk_number = self.skk_number

        registration_number = self.registration_number

        qr_payload = self.qr_payload

        verification_url = self.verification_url

        issued_on = self.issued_on.isoformat()

        valid_until = self.valid_until.isoformat()

        qr_png_base64 = self.qr_png_base64

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "recording_number": recording_number,
                "skk_number": skk_number,
                "registration_number": registration_number,
                "qr_payload": qr_payload,
                "verification_url": verification_url,
                "issued_on": issued_on,
                "valid_until": valid_until,
                "qr_png_base64": qr_png_base64,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        recording_number = d.pop("recording_number")

        skk_number = d.pop("skk_number")

        registration_number = d.pop("registration_number")

        qr_payload = d.pop("qr_payload")

        verification_url = d.pop("verification_url")

        issued_on = datetime.date.fromisoformat(d.pop("issued_on"))

        valid_until = datetime.date.fromisoformat(d.pop("valid_until"))

        qr_png_base64 = d.pop("qr_png_base64")

        record_answer = cls(
            recording_number=recording_number,
            skk_number=skk_number,
            registration_number=registration_number,
            qr_payload=qr_payload,
            verification_url=verification_url,
            issued_on=issued_on,
            valid_until=valid_until,
            qr_png_base64=qr_png_base64,
        )

        record_answer.additional_properties = d
        return record_answer

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
