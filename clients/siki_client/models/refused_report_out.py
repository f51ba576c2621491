from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.application_status import ApplicationStatus
from ..models.refused_report_out_state import RefusedReportOutState

if TYPE_CHECKING:
    from ..models.refused_report_out_report import RefusedReportOutReport


T = TypeVar("T", bound="RefusedReportOut")


@_attrs_define
class RefusedReportOut:
    """A status report SIKI refused with a 4xx (the LSP will not send it again): why, and how an
    operator resolved it. ``report`` is the body as the LSP sent it.

        Attributes:
            report_id (str):
            application_id (str):
            lsp_code (str):
            status (ApplicationStatus):
            reason (str):
            http_status (int):
            refused_at (datetime.datetime):
            times_refused (int):
            state (RefusedReportOutState):
            resolved_by (None | str):
            resolved_at (datetime.datetime | None):
            note (None | str):
            report (RefusedReportOutReport):
    """

    report_id: str
    application_id: str
    lsp_code: str
    status: ApplicationStatus
    reason: str
    http_status: int
    refused_at: datetime.datetime
    times_refused: int
    state: RefusedReportOutState
    resolved_by: None | str
    resolved_at: datetime.datetime | None
    note: None | str
    report: RefusedReportOutReport
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        report_id = self.report_id

        application_id = self.application_id

        lsp_code = self.lsp_code

        status = self.status.value

        reason = self.reason

        http_status = self.http_status

        refused_at = self.refused_at.isoformat()

        times_refused = self.times_refused

        state = self.state.value

        resolved_by: None | str
        resolved_by = self.resolved_by

        resolved_at: None | str
        if isinstance(self.resolved_at, datetime.datetime):
            resolved_at = self.resolved_at.isoformat()
        else:
            resolved_at = self.resolved_at

        note: None | str
        note = self.note

        report = self.report.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "report_id": report_id,
                "application_id": application_id,
                "lsp_code": lsp_code,
                "status": status,
                "reason": reason,
                "http_status": http_status,
                "refused_at": refused_at,
                "times_refused": times_refused,
                "state": state,
                "resolved_by": resolved_by,
                "resolved_at": resolved_at,
                "note": note,
                "report": report,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.refused_report_out_report import RefusedReportOutReport

        d = dict(src_dict)
        report_id = d.pop("report_id")

        application_id = d.pop("application_id")

        lsp_code = d.pop("lsp_code")

        status = ApplicationStatus(d.pop("status"))

        reason = d.pop("reason")

        http_status = d.pop("http_status")

        refused_at = datetime.datetime.fromisoformat(d.pop("refused_at"))

        times_refused = d.pop("times_refused")

        state = RefusedReportOutState(d.pop("state"))

        def _parse_resolved_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        resolved_by = _parse_resolved_by(d.pop("resolved_by"))

        def _parse_resolved_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_at_type_0 = datetime.datetime.fromisoformat(data)

                return resolved_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        resolved_at = _parse_resolved_at(d.pop("resolved_at"))

        def _parse_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note = _parse_note(d.pop("note"))

        report = RefusedReportOutReport.from_dict(d.pop("report"))

        refused_report_out = cls(
            report_id=report_id,
            application_id=application_id,
            lsp_code=lsp_code,
            status=status,
            reason=reason,
            http_status=http_status,
            refused_at=refused_at,
            times_refused=times_refused,
            state=state,
            resolved_by=resolved_by,
            resolved_at=resolved_at,
            note=note,
            report=report,
        )

        refused_report_out.additional_properties = d
        return refused_report_out

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
