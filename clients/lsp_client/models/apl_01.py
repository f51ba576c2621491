from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.apl_01_recommendation_type_0 import Apl01RecommendationType0

T = TypeVar("T", bound="Apl01")


@_attrs_define
class Apl01:
    """
    Attributes:
        recommendation (Apl01RecommendationType0 | None):
        signed_by (None | str):
        signed_at (datetime.datetime | None):
        reasons (list[str]):
    """

    recommendation: Apl01RecommendationType0 | None
    signed_by: None | str
    signed_at: datetime.datetime | None
    reasons: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        recommendation: None | str
        if isinstance(self.recommendation, Apl01RecommendationType0):
            recommendation = self.recommendation.value
        else:
            recommendation = self.recommendation

        signed_by: None | str
        signed_by = self.signed_by

        signed_at: None | str
        if isinstance(self.signed_at, datetime.datetime):
            signed_at = self.signed_at.isoformat()
        else:
            signed_at = self.signed_at

        reasons = self.reasons

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "recommendation": recommendation,
                "signed_by": signed_by,
                "signed_at": signed_at,
                "reasons": reasons,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_recommendation(data: object) -> Apl01RecommendationType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                recommendation_type_0 = Apl01RecommendationType0(data)

                return recommendation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Apl01RecommendationType0 | None, data)

        recommendation = _parse_recommendation(d.pop("recommendation"))

        def _parse_signed_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        signed_by = _parse_signed_by(d.pop("signed_by"))

        def _parse_signed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                signed_at_type_0 = datetime.datetime.fromisoformat(data)

                return signed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        signed_at = _parse_signed_at(d.pop("signed_at"))

        reasons = cast(list[str], d.pop("reasons"))

        apl_01 = cls(
            recommendation=recommendation,
            signed_by=signed_by,
            signed_at=signed_at,
            reasons=reasons,
        )

        apl_01.additional_properties = d
        return apl_01

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
