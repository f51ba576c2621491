from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PaymentProof")


@_attrs_define
class PaymentProof:
    """
    Attributes:
        id (str):
        kind (str):
        sha256 (str):
        content_type (str):
        size (int):
        uploaded_at (datetime.datetime):
        proof_no (int):
        url (None | str | Unset):
    """

    id: str
    kind: str
    sha256: str
    content_type: str
    size: int
    uploaded_at: datetime.datetime
    proof_no: int
    url: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        kind = self.kind

        sha256 = self.sha256

        content_type = self.content_type

        size = self.size

        uploaded_at = self.uploaded_at.isoformat()

        proof_no = self.proof_no

        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "sha256": sha256,
                "content_type": content_type,
                "size": size,
                "uploaded_at": uploaded_at,
                "proof_no": proof_no,
            }
        )
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        kind = d.pop("kind")

        sha256 = d.pop("sha256")

        content_type = d.pop("content_type")

        size = d.pop("size")

        uploaded_at = datetime.datetime.fromisoformat(d.pop("uploaded_at"))

        proof_no = d.pop("proof_no")

        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))

        payment_proof = cls(
            id=id,
            kind=kind,
            sha256=sha256,
            content_type=content_type,
            size=size,
            uploaded_at=uploaded_at,
            proof_no=proof_no,
            url=url,
        )

        payment_proof.additional_properties = d
        return payment_proof

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
