from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.issuance_request_application_kind import IssuanceRequestApplicationKind
from ..models.issuance_request_kualifikasi import IssuanceRequestKualifikasi
from ..types import UNSET, Unset

T = TypeVar("T", bound="IssuanceRequest")


@_attrs_define
class IssuanceRequest:
    """BNSP ``create_issuance``: idempotent per (``lsp_code``, ``application_id``).

    Attributes:
        lsp_code (str):
        application_id (str):
        nik (str):
        full_name (str):
        klasifikasi_code (str):
        subklasifikasi_code (str):
        kualifikasi (IssuanceRequestKualifikasi):
        jabatan_kerja_code (str):
        jenjang (int):
        decided_at (datetime.datetime):
        application_kind (IssuanceRequestApplicationKind | Unset):  Default: IssuanceRequestApplicationKind.BARU.
        previous_skk_number (None | str | Unset):
    """

    lsp_code: str
    application_id: str
    nik: str
    full_name: str
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: IssuanceRequestKualifikasi
    jabatan_kerja_code: str
    jenjang: int
    decided_at: datetime.datetime
    application_kind: IssuanceRequestApplicationKind | Unset = IssuanceRequestApplicationKind.BARU
    previous_skk_number: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        lsp_code = self.lsp_code

        application_id = self.application_id

        nik = self.nik

        full_name = self.full_name

        klasifikasi_code = self.klasifikasi_code

        subklasifikasi_code = self.subklasifikasi_code

        kualifikasi = self.kualifikasi.value

        jabatan_kerja_code = self.jabatan_kerja_code

        jenjang = self.jenjang

        decided_at = self.decided_at.isoformat()

        application_kind: str | Unset = UNSET
        if not isinstance(self.application_kind, Unset):
            application_kind = self.application_kind.value

        previous_skk_number: None | str | Unset
        if isinstance(self.previous_skk_number, Unset):
            previous_skk_number = UNSET
        else:
            previous_skk_number = self.previous_skk_number

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "lsp_code": lsp_code,
                "application_id": application_id,
                "nik": nik,
                "full_name": full_name,
                "klasifikasi_code": klasifikasi_code,
                "subklasifikasi_code": subklasifikasi_code,
                "kualifikasi": kualifikasi,
                "jabatan_kerja_code": jabatan_kerja_code,
                "jenjang": jenjang,
                "decided_at": decided_at,
            }
        )
        if application_kind is not UNSET:
            field_dict["application_kind"] = application_kind
        if previous_skk_number is not UNSET:
            field_dict["previous_skk_number"] = previous_skk_number

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        lsp_code = d.pop("lsp_code")

        application_id = d.pop("application_id")

        nik = d.pop("nik")

        full_name = d.pop("full_name")

        klasifikasi_code = d.pop("klasifikasi_code")

        subklasifikasi_code = d.pop("subklasifikasi_code")

        kualifikasi = IssuanceRequestKualifikasi(d.pop("kualifikasi"))

        jabatan_kerja_code = d.pop("jabatan_kerja_code")

        jenjang = d.pop("jenjang")

        decided_at = datetime.datetime.fromisoformat(d.pop("decided_at"))

        _application_kind = d.pop("application_kind", UNSET)
        application_kind: IssuanceRequestApplicationKind | Unset
        if isinstance(_application_kind, Unset):
            application_kind = UNSET
        else:
            application_kind = IssuanceRequestApplicationKind(_application_kind)

        def _parse_previous_skk_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        previous_skk_number = _parse_previous_skk_number(d.pop("previous_skk_number", UNSET))

        issuance_request = cls(
            lsp_code=lsp_code,
            application_id=application_id,
            nik=nik,
            full_name=full_name,
            klasifikasi_code=klasifikasi_code,
            subklasifikasi_code=subklasifikasi_code,
            kualifikasi=kualifikasi,
            jabatan_kerja_code=jabatan_kerja_code,
            jenjang=jenjang,
            decided_at=decided_at,
            application_kind=application_kind,
            previous_skk_number=previous_skk_number,
        )

        issuance_request.additional_properties = d
        return issuance_request

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
