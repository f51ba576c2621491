from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.certificate_status import CertificateStatus

T = TypeVar("T", bound="PreviousCertificate")


@_attrs_define
class PreviousCertificate:
    """The held SKK a renewal or a change is about, as SIKI's register knows it.

    Attributes:
        skk_number (str):
        registration_number (str):
        recording_number (str):
        issued_on (datetime.date):
        valid_until (datetime.date):
        klasifikasi_code (str):
        subklasifikasi_code (str):
        kualifikasi (str):
        jabatan_kerja_code (str):
        jenjang (int):
        status (CertificateStatus): A recorded certificate's standing at LPJK (issue 16). ``expired`` is not stored: it
            is the
            answer for an ``active`` one past its ``valid_until``.
    """

    skk_number: str
    registration_number: str
    recording_number: str
    issued_on: datetime.date
    valid_until: datetime.date
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: str
    jabatan_kerja_code: str
    jenjang: int
    status: CertificateStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        skk_number = self.skk_number

        registration_number = self.registration_number

        recording_number = self.recording_number

        issued_on = self.issued_on.isoformat()

        valid_until = self.valid_until.isoformat()

        klasifikasi_code = self.klasifikasi_code

        subklasifikasi_code = self.subklasifikasi_code

        kualifikasi = self.kualifikasi

        jabatan_kerja_code = self.jabatan_kerja_code

        jenjang = self.jenjang

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "skk_number": skk_number,
                "registration_number": registration_number,
                "recording_number": recording_number,
                "issued_on": issued_on,
                "valid_until": valid_until,
                "klasifikasi_code": klasifikasi_code,
                "subklasifikasi_code": subklasifikasi_code,
                "kualifikasi": kualifikasi,
                "jabatan_kerja_code": jabatan_kerja_code,
                "jenjang": jenjang,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        skk_number = d.pop("skk_number")

        registration_number = d.pop("registration_number")

        recording_number = d.pop("recording_number")

        issued_on = datetime.date.fromisoformat(d.pop("issued_on"))

        valid_until = datetime.date.fromisoformat(d.pop("valid_until"))

        klasifikasi_code = d.pop("klasifikasi_code")

        subklasifikasi_code = d.pop("subklasifikasi_code")

        kualifikasi = d.pop("kualifikasi")

        jabatan_kerja_code = d.pop("jabatan_kerja_code")

        jenjang = d.pop("jenjang")

        status = CertificateStatus(d.pop("status"))

        previous_certificate = cls(
            skk_number=skk_number,
            registration_number=registration_number,
            recording_number=recording_number,
            issued_on=issued_on,
            valid_until=valid_until,
            klasifikasi_code=klasifikasi_code,
            subklasifikasi_code=subklasifikasi_code,
            kualifikasi=kualifikasi,
            jabatan_kerja_code=jabatan_kerja_code,
            jenjang=jenjang,
            status=status,
        )

        previous_certificate.additional_properties = d
        return previous_certificate

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
