from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.application_status import ApplicationStatus
from ..models.application_summary_application_kind import ApplicationSummaryApplicationKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="ApplicationSummary")


@_attrs_define
class ApplicationSummary:
    """
    Attributes:
        id (str):
        status (ApplicationStatus):
        full_name (str):
        jabatan_kerja_code (str):
        kualifikasi (str):
        jenjang (int):
        submitted_at (datetime.datetime):
        updated_at (datetime.datetime):
        precheck_passed (bool | None):
        appeal_overdue_at (datetime.datetime | None | Unset): when the deadline sweep flagged the appeal as not decided
            in time
        application_kind (ApplicationSummaryApplicationKind | Unset):  Default: ApplicationSummaryApplicationKind.BARU.
        previous_skk_number (None | str | Unset):
    """

    id: str
    status: ApplicationStatus
    full_name: str
    jabatan_kerja_code: str
    kualifikasi: str
    jenjang: int
    submitted_at: datetime.datetime
    updated_at: datetime.datetime
    precheck_passed: bool | None
    appeal_overdue_at: datetime.datetime | None | Unset = UNSET
    application_kind: ApplicationSummaryApplicationKind | Unset = ApplicationSummaryApplicationKind.BARU
    previous_skk_number: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        status = self.status.value

        full_name = self.full_name

        jabatan_kerja_code = self.jabatan_kerja_code

        kualifikasi = self.kualifikasi

        jenjang = self.jenjang

        submitted_at = self.submitted_at.isoformat()

        updated_at = self.updated_at.isoformat()

        precheck_passed: bool | None
        precheck_passed = self.precheck_passed

        appeal_overdue_at: None | str | Unset
        if isinstance(self.appeal_overdue_at, Unset):
            appeal_overdue_at = UNSET
        elif isinstance(self.appeal_overdue_at, datetime.datetime):
            appeal_overdue_at = self.appeal_overdue_at.isoformat()
        else:
            appeal_overdue_at = self.appeal_overdue_at

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
                "id": id,
                "status": status,
                "full_name": full_name,
                "jabatan_kerja_code": jabatan_kerja_code,
                "kualifikasi": kualifikasi,
                "jenjang": jenjang,
                "submitted_at": submitted_at,
                "updated_at": updated_at,
                "precheck_passed": precheck_passed,
            }
        )
        if appeal_overdue_at is not UNSET:
            field_dict["appeal_overdue_at"] = appeal_overdue_at
        if application_kind is not UNSET:
            field_dict["application_kind"] = application_kind
        if previous_skk_number is not UNSET:
            field_dict["previous_skk_number"] = previous_skk_number

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        status = ApplicationStatus(d.pop("status"))

        full_name = d.pop("full_name")

        jabatan_kerja_code = d.pop("jabatan_kerja_code")

        kualifikasi = d.pop("kualifikasi")

        jenjang = d.pop("jenjang")

        submitted_at = datetime.datetime.fromisoformat(d.pop("submitted_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_precheck_passed(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        precheck_passed = _parse_precheck_passed(d.pop("precheck_passed"))

        def _parse_appeal_overdue_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                appeal_overdue_at_type_0 = datetime.datetime.fromisoformat(data)

                return appeal_overdue_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        appeal_overdue_at = _parse_appeal_overdue_at(d.pop("appeal_overdue_at", UNSET))

        _application_kind = d.pop("application_kind", UNSET)
        application_kind: ApplicationSummaryApplicationKind | Unset
        if isinstance(_application_kind, Unset):
            application_kind = UNSET
        else:
            application_kind = ApplicationSummaryApplicationKind(_application_kind)

        def _parse_previous_skk_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        previous_skk_number = _parse_previous_skk_number(d.pop("previous_skk_number", UNSET))

        application_summary = cls(
            id=id,
            status=status,
            full_name=full_name,
            jabatan_kerja_code=jabatan_kerja_code,
            kualifikasi=kualifikasi,
            jenjang=jenjang,
            submitted_at=submitted_at,
            updated_at=updated_at,
            precheck_passed=precheck_passed,
            appeal_overdue_at=appeal_overdue_at,
            application_kind=application_kind,
            previous_skk_number=previous_skk_number,
        )

        application_summary.additional_properties = d
        return application_summary

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
