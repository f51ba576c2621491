from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.refused_report_resolution_resolution import RefusedReportResolutionResolution

T = TypeVar("T", bound="RefusedReportResolution")


@_attrs_define
class RefusedReportResolution:
    """operator -> SIKI ``resolve_refused_report``: ``accepted`` applies the report now (if the
    state machine allows it from the application's current status), ``dismissed`` drops it.

        Attributes:
            resolution (RefusedReportResolutionResolution):
            note (str):
    """

    resolution: RefusedReportResolutionResolution
    note: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        resolution = self.resolution.value

        note = self.note

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "resolution": resolution,
                "note": note,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        resolution = RefusedReportResolutionResolution(d.pop("resolution"))

        note = d.pop("note")

        refused_report_resolution = cls(
            resolution=resolution,
            note=note,
        )

        refused_report_resolution.additional_properties = d
        return refused_report_resolution

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
