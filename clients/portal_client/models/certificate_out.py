from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.certificate_status import CertificateStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="CertificateOut")


@_attrs_define
class CertificateOut:
    """The certificate with its status at LPJK (``certificate.status_changed``): ``active`` while
    LPJK changed nothing; ``superseded_by`` the replacing certificate's recording number.

        Attributes:
            skk_number (str):
            registration_number (str):
            recording_number (str):
            issued_on (datetime.date):
            valid_until (datetime.date):
            qr_payload (str):
            verification_url (None | str | Unset):
            pdf_sha256 (None | str | Unset):
            status (CertificateStatus | Unset): A recorded certificate's standing at LPJK (issue 16). ``expired`` is not
                stored: it is the
                answer for an ``active`` one past its ``valid_until``.
            status_reason (None | str | Unset):
            status_seq (int | Unset):  Default: 0.
            superseded_by (None | str | Unset):
    """

    skk_number: str
    registration_number: str
    recording_number: str
    issued_on: datetime.date
    valid_until: datetime.date
    qr_payload: str
    verification_url: None | str | Unset = UNSET
    pdf_sha256: None | str | Unset = UNSET
    status: CertificateStatus | Unset = UNSET
    status_reason: None | str | Unset = UNSET
    status_seq: int | Unset = 0
    superseded_by: None | str | Unset = UNSET
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

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        status_reason: None | str | Unset
        if isinstance(self.status_reason, Unset):
            status_reason = UNSET
        else:
            status_reason = self.status_reason

        status_seq = self.status_seq

        superseded_by: None | str | Unset
        if isinstance(self.superseded_by, Unset):
            superseded_by = UNSET
        else:
            superseded_by = self.superseded_by

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
        if status is not UNSET:
            field_dict["status"] = status
        if status_reason is not UNSET:
            field_dict["status_reason"] = status_reason
        if status_seq is not UNSET:
            field_dict["status_seq"] = status_seq
        if superseded_by is not UNSET:
            field_dict["superseded_by"] = superseded_by

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

        _status = d.pop("status", UNSET)
        status: CertificateStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = CertificateStatus(_status)

        def _parse_status_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status_reason = _parse_status_reason(d.pop("status_reason", UNSET))

        status_seq = d.pop("status_seq", UNSET)

        def _parse_superseded_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        superseded_by = _parse_superseded_by(d.pop("superseded_by", UNSET))

        certificate_out = cls(
            skk_number=skk_number,
            registration_number=registration_number,
            recording_number=recording_number,
            issued_on=issued_on,
            valid_until=valid_until,
            qr_payload=qr_payload,
            verification_url=verification_url,
            pdf_sha256=pdf_sha256,
            status=status,
            status_reason=status_reason,
            status_seq=status_seq,
            superseded_by=superseded_by,
        )

        certificate_out.additional_properties = d
        return certificate_out

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
