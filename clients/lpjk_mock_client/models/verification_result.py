from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.certificate_status import CertificateStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="VerificationResult")


@_attrs_define
class VerificationResult:
    """Answer of ``verify_certificate`` and ``verify_qr_payload``.

    Attributes:
        valid (bool):
        reason (None | str | Unset):
        recording_number (None | str | Unset):
        skk_number (None | str | Unset):
        registration_number (None | str | Unset):
        holder_name_masked (None | str | Unset):
        jabatan_kerja_code (None | str | Unset):
        jabatan_kerja_name (None | str | Unset):
        klasifikasi_code (None | str | Unset):
        subklasifikasi_code (None | str | Unset):
        kualifikasi (None | str | Unset):
        jenjang (int | None | Unset):
        lsp_code (None | str | Unset):
        issued_on (datetime.date | None | Unset):
        valid_until (datetime.date | None | Unset):
        revoked (bool | None | Unset):
        key_id (None | str | Unset):
        status (CertificateStatus | None | Unset):
        superseded_by (None | str | Unset):
    """

    valid: bool
    reason: None | str | Unset = UNSET
    recording_number: None | str | Unset = UNSET
    skk_number: None | str | Unset = UNSET
    registration_number: None | str | Unset = UNSET
    holder_name_masked: None | str | Unset = UNSET
    jabatan_kerja_code: None | str | Unset = UNSET
    jabatan_kerja_name: None | str | Unset = UNSET
    klasifikasi_code: None | str | Unset = UNSET
    subklasifikasi_code: None | str | Unset = UNSET
    kualifikasi: None | str | Unset = UNSET
    jenjang: int | None | Unset = UNSET
    lsp_code: None | str | Unset = UNSET
    issued_on: datetime.date | None | Unset = UNSET
    valid_until: datetime.date | None | Unset = UNSET
    revoked: bool | None | Unset = UNSET
    key_id: None | str | Unset = UNSET
    status: CertificateStatus | None | Unset = UNSET
    superseded_by: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        valid = self.valid

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        recording_number: None | str | Unset
        if isinstance(self.recording_number, Unset):
            recording_number = UNSET
        else:
            recording_number = self.recording_number

        skk_number: None | str | Unset
        if isinstance(self.skk_number, Unset):
            skk_number = UNSET
        else:
            skk_number = self.skk_number

        registration_number: None | str | Unset
        if isinstance(self.registration_number, Unset):
            registration_number = UNSET
        else:
            registration_number = self.registration_number

        holder_name_masked: None | str | Unset
        if isinstance(self.holder_name_masked, Unset):
            holder_name_masked = UNSET
        else:
            holder_name_masked = self.holder_name_masked

        jabatan_kerja_code: None | str | Unset
        if isinstance(self.jabatan_kerja_code, Unset):
            jabatan_kerja_code = UNSET
        else:
            jabatan_kerja_code = self.jabatan_kerja_code

        jabatan_kerja_name: None | str | Unset
        if isinstance(self.jabatan_kerja_name, Unset):
            jabatan_kerja_name = UNSET
        else:
            jabatan_kerja_name = self.jabatan_kerja_name

        klasifikasi_code: None | str | Unset
        if isinstance(self.klasifikasi_code, Unset):
            klasifikasi_code = UNSET
        else:
            klasifikasi_code = self.klasifikasi_code

        subklasifikasi_code: None | str | Unset
        if isinstance(self.subklasifikasi_code, Unset):
            subklasifikasi_code = UNSET
        else:
            subklasifikasi_code = self.subklasifikasi_code

        kualifikasi: None | str | Unset
        if isinstance(self.kualifikasi, Unset):
            kualifikasi = UNSET
        else:
            kualifikasi = self.kualifikasi

        jenjang: int | None | Unset
        if isinstance(self.jenjang, Unset):
            jenjang = UNSET
        else:
            jenjang = self.jenjang

        lsp_code: None | str | Unset
        if isinstance(self.lsp_code, Unset):
            lsp_code = UNSET
        else:
            lsp_code = self.lsp_code

        issued_on: None | str | Unset
        if isinstance(self.issued_on, Unset):
            issued_on = UNSET
        elif isinstance(self.issued_on, datetime.date):
            issued_on = self.issued_on.isoformat()
        else:
            issued_on = self.issued_on

        valid_until: None | str | Unset
        if isinstance(self.valid_until, Unset):
            valid_until = UNSET
        elif isinstance(self.valid_until, datetime.date):
            valid_until = self.valid_until.isoformat()
        else:
            valid_until = self.valid_until

        revoked: bool | None | Unset
        if isinstance(self.revoked, Unset):
            revoked = UNSET
        else:
            revoked = self.revoked

        key_id: None | str | Unset
        if isinstance(self.key_id, Unset):
            key_id = UNSET
        else:
            key_id = self.key_id

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, CertificateStatus):
            status = self.status.value
        else:
            status = self.status

        superseded_by: None | str | Unset
        if isinstance(self.superseded_by, Unset):
            superseded_by = UNSET
        else:
            superseded_by = self.superseded_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "valid": valid,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason
        if recording_number is not UNSET:
            field_dict["recording_number"] = recording_number
        if skk_number is not UNSET:
            field_dict["skk_number"] = skk_number
        if registration_number is not UNSET:
            field_dict["registration_number"] = registration_number
        if holder_name_masked is not UNSET:
            field_dict["holder_name_masked"] = holder_name_masked
        if jabatan_kerja_code is not UNSET:
            field_dict["jabatan_kerja_code"] = jabatan_kerja_code
        if jabatan_kerja_name is not UNSET:
            field_dict["jabatan_kerja_name"] = jabatan_kerja_name
        if klasifikasi_code is not UNSET:
            field_dict["klasifikasi_code"] = klasifikasi_code
        if subklasifikasi_code is not UNSET:
            field_dict["subklasifikasi_code"] = subklasifikasi_code
        if kualifikasi is not UNSET:
            field_dict["kualifikasi"] = kualifikasi
        if jenjang is not UNSET:
            field_dict["jenjang"] = jenjang
        if lsp_code is not UNSET:
            field_dict["lsp_code"] = lsp_code
        if issued_on is not UNSET:
            field_dict["issued_on"] = issued_on
        if valid_until is not UNSET:
            field_dict["valid_until"] = valid_until
        if revoked is not UNSET:
            field_dict["revoked"] = revoked
        if key_id is not UNSET:
            field_dict["key_id"] = key_id
        if status is not UNSET:
            field_dict["status"] = status
        if superseded_by is not UNSET:
            field_dict["superseded_by"] = superseded_by

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        valid = d.pop("valid")

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        def _parse_recording_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        recording_number = _parse_recording_number(d.pop("recording_number", UNSET))

        def _parse_skk_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        skk_number = _parse_skk_number(d.pop("skk_number", UNSET))

        def _parse_registration_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        registration_number = _parse_registration_number(d.pop("registration_number", UNSET))

        def _parse_holder_name_masked(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        holder_name_masked = _parse_holder_name_masked(d.pop("holder_name_masked", UNSET))

        def _parse_jabatan_kerja_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        jabatan_kerja_code = _parse_jabatan_kerja_code(d.pop("jabatan_kerja_code", UNSET))

        def _parse_jabatan_kerja_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        jabatan_kerja_name = _parse_jabatan_kerja_name(d.pop("jabatan_kerja_name", UNSET))

        def _parse_klasifikasi_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        klasifikasi_code = _parse_klasifikasi_code(d.pop("klasifikasi_code", UNSET))

        def _parse_subklasifikasi_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        subklasifikasi_code = _parse_subklasifikasi_code(d.pop("subklasifikasi_code", UNSET))

        def _parse_kualifikasi(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        kualifikasi = _parse_kualifikasi(d.pop("kualifikasi", UNSET))

        def _parse_jenjang(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        jenjang = _parse_jenjang(d.pop("jenjang", UNSET))

        def _parse_lsp_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lsp_code = _parse_lsp_code(d.pop("lsp_code", UNSET))

        def _parse_issued_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                issued_on_type_0 = datetime.date.fromisoformat(data)

                return issued_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        issued_on = _parse_issued_on(d.pop("issued_on", UNSET))

        def _parse_valid_until(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                valid_until_type_0 = datetime.date.fromisoformat(data)

                return valid_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        valid_until = _parse_valid_until(d.pop("valid_until", UNSET))

        def _parse_revoked(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        revoked = _parse_revoked(d.pop("revoked", UNSET))

        def _parse_key_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        key_id = _parse_key_id(d.pop("key_id", UNSET))

        def _parse_status(data: object) -> CertificateStatus | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = CertificateStatus(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CertificateStatus | None | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_superseded_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        superseded_by = _parse_superseded_by(d.pop("superseded_by", UNSET))

        verification_result = cls(
            valid=valid,
            reason=reason,
            recording_number=recording_number,
            skk_number=skk_number,
            registration_number=registration_number,
            holder_name_masked=holder_name_masked,
            jabatan_kerja_code=jabatan_kerja_code,
            jabatan_kerja_name=jabatan_kerja_name,
            klasifikasi_code=klasifikasi_code,
            subklasifikasi_code=subklasifikasi_code,
            kualifikasi=kualifikasi,
            jenjang=jenjang,
            lsp_code=lsp_code,
            issued_on=issued_on,
            valid_until=valid_until,
            revoked=revoked,
            key_id=key_id,
            status=status,
            superseded_by=superseded_by,
        )

        verification_result.additional_properties = d
        return verification_result

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
