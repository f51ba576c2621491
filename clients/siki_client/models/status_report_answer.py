from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.application_status import ApplicationStatus

T = TypeVar("T", bound="StatusReportAnswer")


@_attrs_define
class StatusReportAnswer:
    """SIKI -> LSP ``report_status``: the step recorded (a retried ``report_id`` answers it again).

    Attributes:
        application_id (str):
        status (ApplicationStatus):
        seq (int):
        report_id (str):
    """

    application_id: str
    status: ApplicationStatus
    seq: int
    report_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        application_id = self.application_id

        status = self.status.value

        seq = self.seq

        report_id = self.report_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "application_id": application_id,
                "status": status,
                "seq": seq,
                "report_id": report_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        application_id = d.pop("application_id")

        status = ApplicationStatus(d.pop("status"))

        seq = d.pop("seq")

        report_id = d.pop("report_id")

        status_report_answer = cls(
            application_id=application_id,
            status=status,
            seq=seq,
            report_id=report_id,
        )

        status_report_answer.additional_properties = d
        return status_report_answer

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
