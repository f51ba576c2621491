from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.application_form_file import ApplicationFormFile


T = TypeVar("T", bound="ApplicationFormsUpload")


@_attrs_define
class ApplicationFormsUpload:
    """LSP -> SIKI ``submit_application_forms``: the forms as the LSP built them on receipt.

    Attributes:
        forms (list[ApplicationFormFile]):
    """

    forms: list[ApplicationFormFile]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        forms = []
        for forms_item_data in self.forms:
            forms_item = forms_item_data.to_dict()
            forms.append(forms_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "forms": forms,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.application_form_file import ApplicationFormFile

        d = dict(src_dict)
        forms = []
        _forms = d.pop("forms")
        for forms_item_data in _forms:
            forms_item = ApplicationFormFile.from_dict(forms_item_data)

            forms.append(forms_item)

        application_forms_upload = cls(
            forms=forms,
        )

        application_forms_upload.additional_properties = d
        return application_forms_upload

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
