from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.certificate_status import CertificateStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="CertificateStatusAnswer")


@_attrs_define
class CertificateStatusAnswer:
    """A certificate's standing after an operator's action.

    Attributes:
        recording_number (str):
        status (CertificateStatus): A recorded certificate's standing at LPJK (issue 16). ``expired`` is not stored: it
            is the
            answer for an ``active`` one past its ``valid_until``.
        previous_status (CertificateStatus): A recorded certificate's standing at LPJK (issue 16). ``expired`` is not
            stored: it is the
            answer for an ``active`` one past its ``valid_until``.
        changed (bool): false for a repeat: the certificate already stood so; nothing changed
        reason (None | str): the reason of the change that put it in this standing
        changed_at (datetime.datetime | None):
        status_seq (int): the seq of its last certificate.status_changed event
        superseded_by (None | str | Unset):
    """

    recording_number: str
    status: CertificateStatus
    previous_status: CertificateStatus
    changed: bool
    reason: None | str
    changed_at: datetime.datetime | None
    status_seq: int
    superseded_by: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        recording_number = self.recording_number

        status = self.status.value

        previous_status = self.previous_status.value

        changed = self.changed

        reason: None | str
        reason = self.reason

        changed_at: None | str
        if isinstance(self.changed_at, datetime.datetime):
            changed_at = self.changed_at.isoformat()
        else:
            changed_at = self.changed_at

        status_seq = self.status_seq

        superseded_by: None | str | Unset
        if isinstance(self.superseded_by, Unset):
            superseded_by = UNSET
        else:
            superseded_by = self.superseded_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "recording_number": recording_number,
                "status": status,
                "previous_status": previous_status,
                "changed": changed,
                "reason": reason,
                "changed_at": changed_at,
                "status_seq": status_seq,
            }
        )
        if superseded_by is not UNSET:
            field_dict["superseded_by"] = superseded_by

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        recording_number = d.pop("recording_number")

        status = CertificateStatus(d.pop("status"))

        previous_status = CertificateStatus(d.pop("previous_status"))

        changed = d.pop("changed")

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        def _parse_changed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                changed_at_type_0 = datetime.datetime.fromisoformat(data)

                return changed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        changed_at = _parse_changed_at(d.pop("changed_at"))

        status_seq = d.pop("status_seq")

        def _parse_superseded_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        superseded_by = _parse_superseded_by(d.pop("superseded_by", UNSET))

        certificate_status_answer = cls(
            recording_number=recording_number,
            status=status,
            previous_status=previous_status,
            changed=changed,
            reason=reason,
            changed_at=changed_at,
            status_seq=status_seq,
            superseded_by=superseded_by,
        )

        certificate_status_answer.additional_properties = d
        return certificate_status_answer

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
