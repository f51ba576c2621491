from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.application_status import ApplicationStatus

T = TypeVar("T", bound="RefusedReportView")


@_attrs_define
class RefusedReportView:
    """
    Attributes:
        report_id (str):
        application_id (str):
        status (ApplicationStatus):
        created_at (datetime.datetime):
        refused_at (datetime.datetime):
        attempts (int):
        reason (str):
    """

    report_id: str
    application_id: str
    status: ApplicationStatus
    created_at: datetime.datetime
    refused_at: datetime.datetime
    attempts: int
    reason: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        report_id = self.report_id

        application_id = self.application_id

        status = self.status.value

        created_at = self.created_at.isoformat()

        refused_at = self.refused_at.isoformat()

        attempts = self.attempts

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "report_id": report_id,
                "application_id": application_id,
                "status": status,
                "created_at": created_at,
                "refused_at": refused_at,
                "attempts": attempts,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        report_id = d.pop("report_id")

        application_id = d.pop("application_id")

        status = ApplicationStatus(d.pop("status"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        refused_at = datetime.datetime.fromisoformat(d.pop("refused_at"))

        attempts = d.pop("attempts")

        reason = d.pop("reason")

        refused_report_view = cls(
            report_id=report_id,
            application_id=application_id,
            status=status,
            created_at=created_at,
            refused_at=refused_at,
            attempts=attempts,
            reason=reason,
        )

        refused_report_view.additional_properties = d
        return refused_report_view

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
