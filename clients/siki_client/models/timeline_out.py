from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.application_status import ApplicationStatus

if TYPE_CHECKING:
    from ..models.timeline_entry_out import TimelineEntryOut


T = TypeVar("T", bound="TimelineOut")


@_attrs_define
class TimelineOut:
    """
    Attributes:
        application_id (str):
        status (ApplicationStatus):
        lsp_code (str):
        timeline (list[TimelineEntryOut]):
    """

    application_id: str
    status: ApplicationStatus
    lsp_code: str
    timeline: list[TimelineEntryOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        application_id = self.application_id

        status = self.status.value

        lsp_code = self.lsp_code

        timeline = []
        for timeline_item_data in self.timeline:
            timeline_item = timeline_item_data.to_dict()
            timeline.append(timeline_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "application_id": application_id,
                "status": status,
                "lsp_code": lsp_code,
                "timeline": timeline,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.timeline_entry_out import TimelineEntryOut

        d = dict(src_dict)
        application_id = d.pop("application_id")

        status = ApplicationStatus(d.pop("status"))

        lsp_code = d.pop("lsp_code")

        timeline = []
        _timeline = d.pop("timeline")
        for timeline_item_data in _timeline:
            timeline_item = TimelineEntryOut.from_dict(timeline_item_data)

            timeline.append(timeline_item)

        timeline_out = cls(
            application_id=application_id,
            status=status,
            lsp_code=lsp_code,
            timeline=timeline,
        )

        timeline_out.additional_properties = d
        return timeline_out

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
