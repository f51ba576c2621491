from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.precheck_option import PrecheckOption


T = TypeVar("T", bound="Precheck")


@_attrs_define
class Precheck:
    """The automatic check of the basic requirements, made when the application arrives.

    Attributes:
        passed (bool):
        jenjang (int):
        highest_education (None | str):
        experience_years (float):
        experience_kind (str):
        options (list[PrecheckOption]):
        messages (list[str]):
        checked_at (datetime.datetime):
        experience_kinds (list[str] | None | Unset): the kinds of experience counted (professional, work); absent: every
            kind
    """

    passed: bool
    jenjang: int
    highest_education: None | str
    experience_years: float
    experience_kind: str
    options: list[PrecheckOption]
    messages: list[str]
    checked_at: datetime.datetime
    experience_kinds: list[str] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        passed = self.passed

        jenjang = self.jenjang

        highest_education: None | str
        highest_education = self.highest_education

        experience_years = self.experience_years

        experience_kind = self.experience_kind

        options = []
        for options_item_data in self.options:
            options_item = options_item_data.to_dict()
            options.append(options_item)

        messages = self.messages

        checked_at = self.checked_at.isoformat()

        experience_kinds: list[str] | None | Unset
        if isinstance(self.experience_kinds, Unset):
            experience_kinds = UNSET
        elif isinstance(self.experience_kinds, list):
            experience_kinds = self.experience_kinds

        else:
            experience_kinds = self.experience_kinds

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "passed": passed,
                "jenjang": jenjang,
                "highest_education": highest_education,
                "experience_years": experience_years,
                "experience_kind": experience_kind,
                "options": options,
                "messages": messages,
                "checked_at": checked_at,
            }
        )
        if experience_kinds is not UNSET:
            field_dict["experience_kinds"] = experience_kinds

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.precheck_option import PrecheckOption

        d = dict(src_dict)
        passed = d.pop("passed")

        jenjang = d.pop("jenjang")

        def _parse_highest_education(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        highest_education = _parse_highest_education(d.pop("highest_education"))

        experience_years = d.pop("experience_years")

        experience_kind = d.pop("experience_kind")

        options = []
        _options = d.pop("options")
        for options_item_data in _options:
            options_item = PrecheckOption.from_dict(options_item_data)

            options.append(options_item)

        messages = cast(list[str], d.pop("messages"))

        checked_at = datetime.datetime.fromisoformat(d.pop("checked_at"))

        def _parse_experience_kinds(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                experience_kinds_type_0 = cast(list[str], data)

                return experience_kinds_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        experience_kinds = _parse_experience_kinds(d.pop("experience_kinds", UNSET))

        precheck = cls(
            passed=passed,
            jenjang=jenjang,
            highest_education=highest_education,
            experience_years=experience_years,
            experience_kind=experience_kind,
            options=options,
            messages=messages,
            checked_at=checked_at,
            experience_kinds=experience_kinds,
        )

        precheck.additional_properties = d
        return precheck

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
