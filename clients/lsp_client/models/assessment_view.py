from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.assessment_view_recommendation_type_0 import AssessmentViewRecommendationType0
from ..models.assessment_view_result_type_0 import AssessmentViewResultType0

T = TypeVar("T", bound="AssessmentView")


@_attrs_define
class AssessmentView:
    """
    Attributes:
        round_ (int):
        assessor_username (str):
        tuk_code (str):
        scheduled_at (datetime.datetime):
        recommendation (AssessmentViewRecommendationType0 | None):
        notes (None | str):
        reported_at (datetime.datetime | None):
        result (AssessmentViewResultType0 | None):
        decided_by (None | str):
        decided_at (datetime.datetime | None):
    """

    round_: int
    assessor_username: str
    tuk_code: str
    scheduled_at: datetime.datetime
    recommendation: AssessmentViewRecommendationType0 | None
    notes: None | str
    reported_at: datetime.datetime | None
    result: AssessmentViewResultType0 | None
    decided_by: None | str
    decided_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        round_ = self.round_

        assessor_username = self.assessor_username

        tuk_code = self.tuk_code

        scheduled_at = self.scheduled_at.isoformat()

        recommendation: None | str
        if isinstance(self.recommendation, AssessmentViewRecommendationType0):
            recommendation = self.recommendation.value
        else:
            recommendation = self.recommendation

        notes: None | str
        notes = self.notes

        reported_at: None | str
        if isinstance(self.reported_at, datetime.datetime):
            reported_at = self.reported_at.isoformat()
        else:
            reported_at = self.reported_at

        result: None | str
        if isinstance(self.result, AssessmentViewResultType0):
            result = self.result.value
        else:
            result = self.result

        decided_by: None | str
        decided_by = self.decided_by

        decided_at: None | str
        if isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "round": round_,
                "assessor_username": assessor_username,
                "tuk_code": tuk_code,
                "scheduled_at": scheduled_at,
                "recommendation": recommendation,
                "notes": notes,
                "reported_at": reported_at,
                "result": result,
                "decided_by": decided_by,
                "decided_at": decided_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        round_ = d.pop("round")

        assessor_username = d.pop("assessor_username")

        tuk_code = d.pop("tuk_code")

        scheduled_at = datetime.datetime.fromisoformat(d.pop("scheduled_at"))

        def _parse_recommendation(data: object) -> AssessmentViewRecommendationType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                recommendation_type_0 = AssessmentViewRecommendationType0(data)

                return recommendation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AssessmentViewRecommendationType0 | None, data)

        recommendation = _parse_recommendation(d.pop("recommendation"))

        def _parse_notes(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        notes = _parse_notes(d.pop("notes"))

        def _parse_reported_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reported_at_type_0 = datetime.datetime.fromisoformat(data)

                return reported_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        reported_at = _parse_reported_at(d.pop("reported_at"))

        def _parse_result(data: object) -> AssessmentViewResultType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                result_type_0 = AssessmentViewResultType0(data)

                return result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AssessmentViewResultType0 | None, data)

        result = _parse_result(d.pop("result"))

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

        assessment_view = cls(
            round_=round_,
            assessor_username=assessor_username,
            tuk_code=tuk_code,
            scheduled_at=scheduled_at,
            recommendation=recommendation,
            notes=notes,
            reported_at=reported_at,
            result=result,
            decided_by=decided_by,
            decided_at=decided_at,
        )

        assessment_view.additional_properties = d
        return assessment_view

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
