from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.application_status import ApplicationStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="TimelineEntryOut")


@_attrs_define
class TimelineEntryOut:
    """
    Attributes:
        status (ApplicationStatus):
        at (datetime.datetime):
        actor (str):
        seq (int):
        note (None | str | Unset):
        reasons (list[str] | Unset):
    """

    status: ApplicationStatus
    at: datetime.datetime
    actor: str
    seq: int
    note: None | str | Unset = UNSET
    reasons: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        at = self.at.isoformat()

        actor = self.actor

        seq = self.seq

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        reasons: list[str] | Unset = UNSET
        if not isinstance(self.reasons, Unset):
            reasons = self.reasons

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "at": at,
                "actor": actor,
                "seq": seq,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note
        if reasons is not UNSET:
            field_dict["reasons"] = reasons

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        status = ApplicationStatus(d.pop("status"))

        at = datetime.datetime.fromisoformat(d.pop("at"))

        actor = d.pop("actor")

        seq = d.pop("seq")

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        reasons = cast(list[str], d.pop("reasons", UNSET))

        timeline_entry_out = cls(
            status=status,
            at=at,
            actor=actor,
            seq=seq,
            note=note,
            reasons=reasons,
        )

        timeline_entry_out.additional_properties = d
        return timeline_entry_out

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
