from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.application_forms_stored_stored_item import ApplicationFormsStoredStoredItem

T = TypeVar("T", bound="ApplicationFormsStored")


@_attrs_define
class ApplicationFormsStored:
    """SIKI's answer to ``submit_application_forms``: the forms that replaced the kept ones.

    Attributes:
        application_id (str):
        stored (list[ApplicationFormsStoredStoredItem]):
    """

    application_id: str
    stored: list[ApplicationFormsStoredStoredItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        application_id = self.application_id

        stored = []
        for stored_item_data in self.stored:
            stored_item = stored_item_data.value
            stored.append(stored_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "application_id": application_id,
                "stored": stored,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        application_id = d.pop("application_id")

        stored = []
        _stored = d.pop("stored")
        for stored_item_data in _stored:
            stored_item = ApplicationFormsStoredStoredItem(stored_item_data)

            stored.append(stored_item)

        application_forms_stored = cls(
            application_id=application_id,
            stored=stored,
        )

        application_forms_stored.additional_properties = d
        return application_forms_stored

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
