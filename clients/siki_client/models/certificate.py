from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Certificate")


@_attrs_define
class Certificate:
    """
    Attributes:
        skk_number (str):
        registration_number (str):
        recording_number (str):
        issued_on (datetime.date):
        valid_until (datetime.date):
        qr_payload (str):
        verification_url (None | str | Unset):
        pdf_sha256 (None | str | Unset):
    """

    skk_number: str
    registration_number: str
    recording_number: str
    issued_on: datetime.date
    valid_until: datetime.date
    qr_payload: str
    verification_url: None | str | Unset = UNSET
    pdf_sha256: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        skk_number = self.skk_number

        registration_number = self.registration_number

        recording_number = self.recording_number

        issued_on = self.issued_on.isoformat()

        valid_until = self.valid_until.isoformat()

        qr_payload = self.qr_payload

        verification_url: None | str | Unset
        if isinstance(self.verification_url, Unset):
            verification_url = UNSET
        else:
            verification_url = self.verification_url

        pdf_sha256: None | str | Unset
        if isinstance(self.pdf_sha256, Unset):
            pdf_sha256 = UNSET
        else:
            pdf_sha256 = self.pdf_sha256

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "skk_number": skk_number,
                "registration_number": registration_number,
                "recording_number": recording_number,
                "issued_on": issued_on,
                "valid_until": valid_until,
                "qr_payload": qr_payload,
            }
        )
        if verification_url is not UNSET:
            field_dict["verification_url"] = verification_url
        if pdf_sha256 is not UNSET:
            field_dict["pdf_sha256"] = pdf_sha256

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        skk_number = d.pop("skk_number")

        registration_number = d.pop("registration_number")

        recording_number = d.pop("recording_number")

        issued_on = datetime.date.fromisoformat(d.pop("issued_on"))

        valid_until = datetime.date.fromisoformat(d.pop("valid_until"))

        qr_payload = d.pop("qr_payload")

        def _parse_verification_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        verification_url = _parse_verification_url(d.pop("verification_url", UNSET))

        def _parse_pdf_sha256(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pdf_sha256 = _parse_pdf_sha256(d.pop("pdf_sha256", UNSET))

        certificate = cls(
            skk_number=skk_number,
            registration_number=registration_number,
            recording_number=recording_number,
            issued_on=issued_on,
            valid_until=valid_until,
            qr_payload=qr_payload,
            verification_url=verification_url,
            pdf_sha256=pdf_sha256,
        )

        certificate.additional_properties = d
        return certificate

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
