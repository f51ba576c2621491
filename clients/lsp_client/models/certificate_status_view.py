from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.certificate_status import CertificateStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="CertificateStatusView")


@_attrs_define
class CertificateStatusView:
    """The certificate's status at LPJK, from the last ``certificate.status_changed`` SIKI sent.

    Attributes:
        status (CertificateStatus): A recorded certificate's standing at LPJK (issue 16). ``expired`` is not stored: it
            is the
            answer for an ``active`` one past its ``valid_until``.
        previous_status (CertificateStatus): A recorded certificate's standing at LPJK (issue 16). ``expired`` is not
            stored: it is the
            answer for an ``active`` one past its ``valid_until``.
        seq (int):
        at (datetime.datetime):
        reason (None | str | Unset):
        superseded_by (None | str | Unset):
    """

    status: CertificateStatus
    previous_status: CertificateStatus
    seq: int
    at: datetime.datetime
    reason: None | str | Unset = UNSET
    superseded_by: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        previous_status = self.previous_status.value

        seq = self.seq

        at = self.at.isoformat()

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        superseded_by: None | str | Unset
        if isinstance(self.superseded_by, Unset):
            superseded_by = UNSET
        else:
            superseded_by = self.superseded_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "previous_status": previous_status,
                "seq": seq,
                "at": at,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason
        if superseded_by is not UNSET:
            field_dict["superseded_by"] = superseded_by

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        status = CertificateStatus(d.pop("status"))

        previous_status = CertificateStatus(d.pop("previous_status"))

        seq = d.pop("seq")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        def _parse_superseded_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        superseded_by = _parse_superseded_by(d.pop("superseded_by", UNSET))

        certificate_status_view = cls(
            status=status,
            previous_status=previous_status,
            seq=seq,
            at=at,
            reason=reason,
            superseded_by=superseded_by,
        )

        certificate_status_view.additional_properties = d
        return certificate_status_view

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
