from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.application_form_file_form import ApplicationFormFileForm
from ..types import UNSET, Unset

T = TypeVar("T", bound="ApplicationFormFile")


@_attrs_define
class ApplicationFormFile:
    """One assessment form of an application as a PDF (``apl01`` signed by the LSP once verified).

    Attributes:
        form (ApplicationFormFileForm):
        content_base64 (str): the PDF, base64
        signed (bool | Unset):  Default: False.
        submission_no (int | Unset):  Default: 1.
    """

    form: ApplicationFormFileForm
    content_base64: str
    signed: bool | Unset = False
    submission_no: int | Unset = 1
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        form = self.form.value

        content_base64 = self.content_base64

        signed = self.signed

        submission_no = self.submission_no

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "form": form,
                "content_base64": content_base64,
            }
        )
        if signed is not UNSET:
            field_dict["signed"] = signed
        if submission_no is not UNSET:
            field_dict["submission_no"] = submission_no

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        form = ApplicationFormFileForm(d.pop("form"))

        content_base64 = d.pop("content_base64")

        signed = d.pop("signed", UNSET)

        submission_no = d.pop("submission_no", UNSET)

        application_form_file = cls(
            form=form,
            content_base64=content_base64,
            signed=signed,
            submission_no=submission_no,
        )

        application_form_file.additional_properties = d
        return application_form_file

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
