from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.appeal_decision_type_0 import AppealDecisionType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="Appeal")


@_attrs_define
class Appeal:
    """
    Attributes:
        reason (None | str):
        filed_at (datetime.datetime | None):
        decision (AppealDecisionType0 | None):
        decided_by (None | str):
        decided_at (datetime.datetime | None):
        overdue_at (datetime.datetime | None | Unset): set when the appeal was not decided within the LSP's working days
            (flagged to the manager)
    """

    reason: None | str
    filed_at: datetime.datetime | None
    decision: AppealDecisionType0 | None
    decided_by: None | str
    decided_at: datetime.datetime | None
    overdue_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        reason: None | str
        reason = self.reason

        filed_at: None | str
        if isinstance(self.filed_at, datetime.datetime):
            filed_at = self.filed_at.isoformat()
        else:
            filed_at = self.filed_at

        decision: None | str
        if isinstance(self.decision, AppealDecisionType0):
            decision = self.decision.value
        else:
            decision = self.decision

        decided_by: None | str
        decided_by = self.decided_by

        decided_at: None | str
        if isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        overdue_at: None | str | Unset
        if isinstance(self.overdue_at, Unset):
            overdue_at = UNSET
        elif isinstance(self.overdue_at, datetime.datetime):
            overdue_at = self.overdue_at.isoformat()
        else:
            overdue_at = self.overdue_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "reason": reason,
                "filed_at": filed_at,
                "decision": decision,
                "decided_by": decided_by,
                "decided_at": decided_at,
            }
        )
        if overdue_at is not UNSET:
            field_dict["overdue_at"] = overdue_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        def _parse_filed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                filed_at_type_0 = datetime.datetime.fromisoformat(data)

                return filed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        filed_at = _parse_filed_at(d.pop("filed_at"))

        def _parse_decision(data: object) -> AppealDecisionType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decision_type_0 = AppealDecisionType0(data)

                return decision_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AppealDecisionType0 | None, data)

        decision = _parse_decision(d.pop("decision"))

        def _parse_decided_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        decided_by = _parse_decided_by(d.pop("decided_by"))

        def _parse_decided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)

                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        decided_at = _parse_decided_at(d.pop("decided_at"))

        def _parse_overdue_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                overdue_at_type_0 = datetime.datetime.fromisoformat(data)

                return overdue_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        overdue_at = _parse_overdue_at(d.pop("overdue_at", UNSET))

        appeal = cls(
            reason=reason,
            filed_at=filed_at,
            decision=decision,
            decided_by=decided_by,
            decided_at=decided_at,
            overdue_at=overdue_at,
        )

        appeal.additional_properties = d
        return appeal

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
