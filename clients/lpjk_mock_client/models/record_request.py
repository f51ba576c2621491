from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.record_request_kualifikasi import RecordRequestKualifikasi
from ..types import UNSET, Unset

T = TypeVar("T", bound="RecordRequest")


@_attrs_define
class RecordRequest:
    """LPJK ``create_record``: idempotent per ``skk_number``.

    Attributes:
        lsp_code (str):
        application_id (str):
        skk_number (str):
        registration_number (str):
        nik (str):
        full_name (str):
        klasifikasi_code (str):
        subklasifikasi_code (str):
        kualifikasi (RecordRequestKualifikasi):
        jabatan_kerja_code (str):
        jenjang (int):
        issued_on (datetime.date):
        valid_until (datetime.date):
        replaces (None | str | Unset):
    """

    lsp_code: str
    application_id: str
    skk_number: str
    registration_number: str
    nik: str
    full_name: str
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: RecordRequestKualifikasi
    jabatan_kerja_code: str
    jenjang: int
    issued_on: datetime.date
    valid_until: datetime.date
    replaces: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        lsp_code = self.lsp_code

        application_id = self.application_id

        skk_number = self.skk_number

        registration_number = self.registration_number

        nik = self.nik

        full_name = self.full_name

        klasifikasi_code = self.klasifikasi_code

        subklasifikasi_code = self.subklasifikasi_code

        kualifikasi = self.kualifikasi.value

        jabatan_kerja_code = self.jabatan_kerja_code

        jenjang = self.jenjang

        issued_on = self.issued_on.isoformat()

        valid_until = self.valid_until.isoformat()

        replaces: None | str | Unset
        if isinstance(self.replaces, Unset):
            replaces = UNSET
        else:
            replaces = self.replaces

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "lsp_code": lsp_code,
                "application_id": application_id,
                "skk_number": skk_number,
                "registration_number": registration_number,
                "nik": nik,
                "full_name": full_name,
                "klasifikasi_code": klasifikasi_code,
                "subklasifikasi_code": subklasifikasi_code,
                "kualifikasi": kualifikasi,
                "jabatan_kerja_code": jabatan_kerja_code,
                "jenjang": jenjang,
                "issued_on": issued_on,
                "valid_until": valid_until,
            }
        )
        if replaces is not UNSET:
            field_dict["replaces"] = replaces

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        lsp_code = d.pop("lsp_code")

        application_id = d.pop("application_id")

        skk_number = d.pop("skk_number")

        registration_number = d.pop("registration_number")

        nik = d.pop("nik")

        full_name = d.pop("full_name")

        klasifikasi_code = d.pop("klasifikasi_code")

        subklasifikasi_code = d.pop("subklasifikasi_code")

        kualifikasi = RecordRequestKualifikasi(d.pop("kualifikasi"))

        jabatan_kerja_code = d.pop("jabatan_kerja_code")

        jenjang = d.pop("jenjang")

        issued_on = datetime.date.fromisoformat(d.pop("issued_on"))

        valid_until = datetime.date.fromisoformat(d.pop("valid_until"))

        def _parse_replaces(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        replaces = _parse_replaces(d.pop("replaces", UNSET))

        record_request = cls(
            lsp_code=lsp_code,
            application_id=application_id,
            skk_number=skk_number,
            registration_number=registration_number,
            nik=nik,
            full_name=full_name,
            klasifikasi_code=klasifikasi_code,
            subklasifikasi_code=subklasifikasi_code,
            kualifikasi=kualifikasi,
            jabatan_kerja_code=jabatan_kerja_code,
            jenjang=jenjang,
            issued_on=issued_on,
            valid_until=valid_until,
            replaces=replaces,
        )

        record_request.additional_properties = d
        return record_request

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
