from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RegisteredSkk")


@_attrs_define
class RegisteredSkk:
    """One SKK in SIKI's register; ``valid``: not revoked and not expired today.

    Attributes:
        recording_number (str):
        skk_number (str):
        registration_number (str):
        lsp_code (str):
        application_id (str):
        klasifikasi_code (str):
        subklasifikasi_code (str):
        kualifikasi (str):
        jabatan_kerja_code (str):
        jenjang (int):
        issued_on (datetime.date):
        valid_until (datetime.date):
        revoked (bool):
        valid (bool):
    """

    recording_number: str
    skk_number: str
    registration_number: str
    lsp_code: str
    application_id: str
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: str
    jabatan_kerja_code: str
    jenjang: int
    issued_on: datetime.date
    valid_until: datetime.date
    revoked: bool
    valid: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        recording_number = self.recording_number

        skk_number = self.skk_number

        registration_number = self.registration_number

        lsp_code = self.lsp_code

        application_id = self.application_id

        klasifikasi_code = self.klasifikasi_code

        subklasifikasi_code = self.subklasifikasi_code

        kualifikasi = self.kualifikasi

        jabatan_kerja_code = self.jabatan_kerja_code

        jenjang = self.jenjang

        issued_on = self.issued_on.isoformat()

        valid_until = self.valid_until.isoformat()

        revoked = self.revoked

        valid = self.valid

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "recording_number": recording_number,
                "skk_number": skk_number,
                "registration_number": registration_number,
                "lsp_code": lsp_code,
                "application_id": application_id,
                "klasifikasi_code": klasifikasi_code,
                "subklasifikasi_code": subklasifikasi_code,
                "kualifikasi": kualifikasi,
                "jabatan_kerja_code": jabatan_kerja_code,
                "jenjang": jenjang,
                "issued_on": issued_on,
                "valid_until": valid_until,
                "revoked": revoked,
                "valid": valid,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        recording_number = d.pop("recording_number")

        skk_number = d.pop("skk_number")

        registration_number = d.pop("registration_number")

        lsp_code = d.pop("lsp_code")

        application_id = d.pop("application_id")

        klasifikasi_code = d.pop("klasifikasi_code")

        subklasifikasi_code = d.pop("subklasifikasi_code")

        kualifikasi = d.pop("kualifikasi")

        jabatan_kerja_code = d.pop("jabatan_kerja_code")

        jenjang = d.pop("jenjang")

        issued_on = datetime.date.fromisoformat(d.pop("issued_on"))

        valid_until = datetime.date.fromisoformat(d.pop("valid_until"))

        revoked = d.pop("revoked")

        valid = d.pop("valid")

        registered_skk = cls(
            recording_number=recording_number,
            skk_number=skk_number,
            registration_number=registration_number,
            lsp_code=lsp_code,
            application_id=application_id,
            klasifikasi_code=klasifikasi_code,
            subklasifikasi_code=subklasifikasi_code,
            kualifikasi=kualifikasi,
            jabatan_kerja_code=jabatan_kerja_code,
            jenjang=jenjang,
            issued_on=issued_on,
            valid_until=valid_until,
            revoked=revoked,
            valid=valid,
        )

        registered_skk.additional_properties = d
        return registered_skk

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
