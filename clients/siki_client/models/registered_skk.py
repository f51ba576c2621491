from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.certificate_status import CertificateStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="RegisteredSkk")


@_attrs_define
class RegisteredSkk:
    """One SKK in SIKI's register; ``valid``: active and not expired today; ``status``: LPJK's
    (``certificate.status_changed``); ``counts_as_held``: it counts towards the ownership limits
    (active or suspended, not expired); ``renewable``: neither revoked nor superseded.

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
            status (CertificateStatus | Unset): A recorded certificate's standing at LPJK (issue 16). ``expired`` is not
                stored: it is the
                answer for an ``active`` one past its ``valid_until``.
            status_reason (None | str | Unset):
            superseded_by (None | str | Unset):
            counts_as_held (bool | Unset):  Default: True.
            renewable (bool | Unset):  Default: True.
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
    status: CertificateStatus | Unset = UNSET
    status_reason: None | str | Unset = UNSET
    superseded_by: None | str | Unset = UNSET
    counts_as_held: bool | Unset = True
    renewable: bool | Unset = True
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

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        status_reason: None | str | Unset
        if isinstance(self.status_reason, Unset):
            status_reason = UNSET
        else:
            status_reason = self.status_reason

        superseded_by: None | str | Unset
        if isinstance(self.superseded_by, Unset):
            superseded_by = UNSET
        else:
            superseded_by = self.superseded_by

        counts_as_held = self.counts_as_held

        renewable = self.renewable

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
        if status is not UNSET:
            field_dict["status"] = status
        if status_reason is not UNSET:
            field_dict["status_reason"] = status_reason
        if superseded_by is not UNSET:
            field_dict["superseded_by"] = superseded_by
        if counts_as_held is not UNSET:
            field_dict["counts_as_held"] = counts_as_held
        if renewable is not UNSET:
            field_dict["renewable"] = renewable

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

        def _parse_superseded_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        superseded_by = _parse_superseded_by(d.pop("superseded_by", UNSET))

        counts_as_held = d.pop("counts_as_held", UNSET)

        renewable = d.pop("renewable", UNSET)

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
            status=status,
            status_reason=status_reason,
            superseded_by=superseded_by,
            counts_as_held=counts_as_held,
            renewable=renewable,
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
