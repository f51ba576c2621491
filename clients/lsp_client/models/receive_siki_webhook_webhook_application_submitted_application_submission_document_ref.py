from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmissionDocumentRef")


@_attrs_define
class ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmissionDocumentRef:
    """
    Attributes:
        id (str):
        kind (str):
        sha256 (str):
        content_type (str):
        size (int):
        url (None | str | Unset):
        uploaded_at (datetime.datetime | None | Unset):
    """

    id: str
    kind: str
    sha256: str
    content_type: str
    size: int
    url: None | str | Unset = UNSET
    uploaded_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        kind = self.kind

        sha256 = self.sha256

        content_type = self.content_type

        size = self.size

        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url

        uploaded_at: None | str | Unset
        if isinstance(self.uploaded_at, Unset):
            uploaded_at = UNSET
        elif isinstance(self.uploaded_at, datetime.datetime):
            uploaded_at = self.uploaded_at.isoformat()
        else:
            uploaded_at = self.uploaded_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "sha256": sha256,
                "content_type": content_type,
                "size": size,
            }
        )
        if url is not UNSET:
            field_dict["url"] = url
        if uploaded_at is not UNSET:
            field_dict["uploaded_at"] = uploaded_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        kind = d.pop("kind")

        sha256 = d.pop("sha256")

        content_type = d.pop("content_type")

        size = d.pop("size")

        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))

        def _parse_uploaded_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                uploaded_at_type_0 = datetime.datetime.fromisoformat(data)

                return uploaded_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        uploaded_at = _parse_uploaded_at(d.pop("uploaded_at", UNSET))

        receive_siki_webhook_webhook_application_submitted_application_submission_document_ref = cls(
            id=id,
            kind=kind,
            sha256=sha256,
            content_type=content_type,
            size=size,
            url=url,
            uploaded_at=uploaded_at,
        )

        receive_siki_webhook_webhook_application_submitted_application_submission_document_ref.additional_properties = d
        return receive_siki_webhook_webhook_application_submitted_application_submission_document_ref

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
