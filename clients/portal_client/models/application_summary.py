from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.application_status import ApplicationStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="ApplicationSummary")


@_attrs_define
class ApplicationSummary:
    """One entry of ``list_applications``.

    Attributes:
        id (str):
        application_kind (str):
        status (ApplicationStatus):
        lsp_code (None | str):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        previous_skk_number (None | str | Unset):
    """

    id: str
    application_kind: str
    status: ApplicationStatus
    lsp_code: None | str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    previous_skk_number: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        application_kind = self.application_kind

        status = self.status.value

        lsp_code: None | str
        lsp_code = self.lsp_code

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

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
                "application_kind": application_kind,
                "status": status,
                "lsp_code": lsp_code,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if previous_skk_number is not UNSET:
            field_dict["previous_skk_number"] = previous_skk_number

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        application_kind = d.pop("application_kind")

        status = ApplicationStatus(d.pop("status"))

        def _parse_lsp_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        lsp_code = _parse_lsp_code(d.pop("lsp_code"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_previous_skk_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        previous_skk_number = _parse_previous_skk_number(d.pop("previous_skk_number", UNSET))

        application_summary = cls(
            id=id,
            application_kind=application_kind,
            status=status,
            lsp_code=lsp_code,
            created_at=created_at,
            updated_at=updated_at,
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
