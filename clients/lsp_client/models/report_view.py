from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.application_status import ApplicationStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="ReportView")


@_attrs_define
class ReportView:
    """A status report to SIKI and how far its delivery has come.

    Attributes:
        report_id (str):
        status (ApplicationStatus):
        created_at (datetime.datetime):
        sent_at (datetime.datetime | None):
        attempts (int):
        last_error (None | str):
        refused_at (datetime.datetime | None | Unset):
    """

    report_id: str
    status: ApplicationStatus
    created_at: datetime.datetime
    sent_at: datetime.datetime | None
    attempts: int
    last_error: None | str
    refused_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        report_id = self.report_id

        status = self.status.value

        created_at = self.created_at.isoformat()

        sent_at: None | str
        if isinstance(self.sent_at, datetime.datetime):
            sent_at = self.sent_at.isoformat()
        else:
            sent_at = self.sent_at

        attempts = self.attempts

        last_error: None | str
        last_error = self.last_error

        refused_at: None | str | Unset
        if isinstance(self.refused_at, Unset):
            refused_at = UNSET
        elif isinstance(self.refused_at, datetime.datetime):
            refused_at = self.refused_at.isoformat()
        else:
            refused_at = self.refused_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "report_id": report_id,
                "status": status,
                "created_at": created_at,
                "sent_at": sent_at,
                "attempts": attempts,
                "last_error": last_error,
            }
        )
        if refused_at is not UNSET:
            field_dict["refused_at"] = refused_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        report_id = d.pop("report_id")

        status = ApplicationStatus(d.pop("status"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_sent_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sent_at_type_0 = datetime.datetime.fromisoformat(data)

                return sent_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        sent_at = _parse_sent_at(d.pop("sent_at"))

        attempts = d.pop("attempts")

        def _parse_last_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_error = _parse_last_error(d.pop("last_error"))

        def _parse_refused_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                refused_at_type_0 = datetime.datetime.fromisoformat(data)

                return refused_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        refused_at = _parse_refused_at(d.pop("refused_at", UNSET))

        report_view = cls(
            report_id=report_id,
            status=status,
            created_at=created_at,
            sent_at=sent_at,
            attempts=attempts,
            last_error=last_error,
            refused_at=refused_at,
        )

        report_view.additional_properties = d
        return report_view

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
