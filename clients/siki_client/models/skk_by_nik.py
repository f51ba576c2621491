from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.application_in_progress import ApplicationInProgress
    from ..models.registered_skk import RegisteredSkk


T = TypeVar("T", bound="SkkByNik")


@_attrs_define
class SkkByNik:
    """``list_skk_by_nik``: the SKK a NIK holds and its applications in progress.

    Attributes:
        skk (list[RegisteredSkk]):
        applications_in_progress (list[ApplicationInProgress]):
    """

    skk: list[RegisteredSkk]
    applications_in_progress: list[ApplicationInProgress]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        skk = []
        for skk_item_data in self.skk:
            skk_item = skk_item_data.to_dict()
            skk.append(skk_item)

        applications_in_progress = []
        for applications_in_progress_item_data in self.applications_in_progress:
            applications_in_progress_item = applications_in_progress_item_data.to_dict()
            applications_in_progress.append(applications_in_progress_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "skk": skk,
                "applications_in_progress": applications_in_progress,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.application_in_progress import ApplicationInProgress
        from ..models.registered_skk import RegisteredSkk

        d = dict(src_dict)
        skk = []
        _skk = d.pop("skk")
        for skk_item_data in _skk:
            skk_item = RegisteredSkk.from_dict(skk_item_data)

            skk.append(skk_item)

        applications_in_progress = []
        _applications_in_progress = d.pop("applications_in_progress")
        for applications_in_progress_item_data in _applications_in_progress:
            applications_in_progress_item = ApplicationInProgress.from_dict(applications_in_progress_item_data)

            applications_in_progress.append(applications_in_progress_item)

        skk_by_nik = cls(
            skk=skk,
            applications_in_progress=applications_in_progress,
        )

        skk_by_nik.additional_properties = d
        return skk_by_nik

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
