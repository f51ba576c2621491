from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.assessment_info_recommendation_type_0 import AssessmentInfoRecommendationType0
from ..models.assessment_info_result_type_0 import AssessmentInfoResultType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="AssessmentInfo")


@_attrs_define
class AssessmentInfo:
    """
    Attributes:
        assessor_username (None | str | Unset):
        tuk_code (None | str | Unset):
        scheduled_at (datetime.datetime | None | Unset):
        assessor_name (None | str | Unset):
        tuk_name (None | str | Unset):
        recommendation (AssessmentInfoRecommendationType0 | None | Unset):
        result (AssessmentInfoResultType0 | None | Unset):
    """

    assessor_username: None | str | Unset = UNSET
    tuk_code: None | str | Unset = UNSET
    scheduled_at: datetime.datetime | None | Unset = UNSET
    assessor_name: None | str | Unset = UNSET
    tuk_name: None | str | Unset = UNSET
    recommendation: AssessmentInfoRecommendationType0 | None | Unset = UNSET
    result: AssessmentInfoResultType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        assessor_username: None | str | Unset
        if isinstance(self.assessor_username, Unset):
            assessor_username = UNSET
        else:
            assessor_username = self.assessor_username

        tuk_code: None | str | Unset
        if isinstance(self.tuk_code, Unset):
            tuk_code = UNSET
        else:
            tuk_code = self.tuk_code

        scheduled_at: None | str | Unset
        if isinstance(self.scheduled_at, Unset):
            scheduled_at = UNSET
        elif isinstance(self.scheduled_at, datetime.datetime):
            scheduled_at = self.scheduled_at.isoformat()
        else:
            scheduled_at = self.scheduled_at

        assessor_name: None | str | Unset
        if isinstance(self.assessor_name, Unset):
            assessor_name = UNSET
        else:
            assessor_name = self.assessor_name

        tuk_name: None | str | Unset
        if isinstance(self.tuk_name, Unset):
            tuk_name = UNSET
        else:
            tuk_name = self.tuk_name

        recommendation: None | str | Unset
        if isinstance(self.recommendation, Unset):
            recommendation = UNSET
        elif isinstance(self.recommendation, AssessmentInfoRecommendationType0):
            recommendation = self.recommendation.value
        else:
            recommendation = self.recommendation

        result: None | str | Unset
        if isinstance(self.result, Unset):
            result = UNSET
        elif isinstance(self.result, AssessmentInfoResultType0):
            result = self.result.value
        else:
            result = self.result

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if assessor_username is not UNSET:
            field_dict["assessor_username"] = assessor_username
        if tuk_code is not UNSET:
            field_dict["tuk_code"] = tuk_code
        if scheduled_at is not UNSET:
            field_dict["scheduled_at"] = scheduled_at
        if assessor_name is not UNSET:
            field_dict["assessor_name"] = assessor_name
        if tuk_name is not UNSET:
            field_dict["tuk_name"] = tuk_name
        if recommendation is not UNSET:
            field_dict["recommendation"] = recommendation
        if result is not UNSET:
            field_dict["result"] = result

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_assessor_username(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        assessor_username = _parse_assessor_username(d.pop("assessor_username", UNSET))

        def _parse_tuk_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tuk_code = _parse_tuk_code(d.pop("tuk_code", UNSET))

        def _parse_scheduled_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                scheduled_at_type_0 = datetime.datetime.fromisoformat(data)

                return scheduled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        scheduled_at = _parse_scheduled_at(d.pop("scheduled_at", UNSET))

        def _parse_assessor_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        assessor_name = _parse_assessor_name(d.pop("assessor_name", UNSET))

        def _parse_tuk_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tuk_name = _parse_tuk_name(d.pop("tuk_name", UNSET))

        def _parse_recommendation(data: object) -> AssessmentInfoRecommendationType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                recommendation_type_0 = AssessmentInfoRecommendationType0(data)

                return recommendation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AssessmentInfoRecommendationType0 | None | Unset, data)

        recommendation = _parse_recommendation(d.pop("recommendation", UNSET))

        def _parse_result(data: object) -> AssessmentInfoResultType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                result_type_0 = AssessmentInfoResultType0(data)

                return result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AssessmentInfoResultType0 | None | Unset, data)

        result = _parse_result(d.pop("result", UNSET))

        assessment_info = cls(
            assessor_username=assessor_username,
            tuk_code=tuk_code,
            scheduled_at=scheduled_at,
            assessor_name=assessor_name,
            tuk_name=tuk_name,
            recommendation=recommendation,
            result=result,
        )

        assessment_info.additional_properties = d
        return assessment_info

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
