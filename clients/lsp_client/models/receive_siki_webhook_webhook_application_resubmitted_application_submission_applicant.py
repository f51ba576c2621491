from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionApplicant")


@_attrs_define
class ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionApplicant:
    """
    Attributes:
        user_id (str):
        email (str):
        full_name (str):
    """

    user_id: str
    email: str
    full_name: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        email = self.email

        full_name = self.full_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user_id": user_id,
                "email": email,
                "full_name": full_name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        user_id = d.pop("user_id")

        email = d.pop("email")

        full_name = d.pop("full_name")

        receive_siki_webhook_webhook_application_resubmitted_application_submission_applicant = cls(
            user_id=user_id,
            email=email,
            full_name=full_name,
        )

        receive_siki_webhook_webhook_application_resubmitted_application_submission_applicant.additional_properties = d
        return receive_siki_webhook_webhook_application_resubmitted_application_submission_applicant

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
