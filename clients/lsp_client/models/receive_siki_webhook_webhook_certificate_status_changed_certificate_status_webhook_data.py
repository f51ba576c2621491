from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.receive_siki_webhook_webhook_certificate_status_changed_certificate_status_webhook_data_certificate_status import (
    ReceiveSikiWebhookWebhookCertificateStatusChangedCertificateStatusWebhookDataCertificateStatus,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="ReceiveSikiWebhookWebhookCertificateStatusChangedCertificateStatusWebhookData")


@_attrs_define
class ReceiveSikiWebhookWebhookCertificateStatusChangedCertificateStatusWebhookData:
    """``certificate.status_changed``: LPJK suspended, reinstated, revoked or superseded a
    certificate the LSP issued (SIKI relays LPJK's event). ``seq`` numbers the certificate's
    changes 1, 2, ...: the LSP applies one only if it is newer than the last it applied.

        Attributes:
            application_id (str):
            recording_number (str):
            skk_number (str):
            seq (int):
            status (ReceiveSikiWebhookWebhookCertificateStatusChangedCertificateStatusWebhookDataCertificateStatus): A
                recorded certificate's standing at LPJK (issue 16). ``expired`` is not stored: it is the
                answer for an ``active`` one past its ``valid_until``.
            previous_status
                (ReceiveSikiWebhookWebhookCertificateStatusChangedCertificateStatusWebhookDataCertificateStatus): A recorded
                certificate's standing at LPJK (issue 16). ``expired`` is not stored: it is the
                answer for an ``active`` one past its ``valid_until``.
            at (datetime.datetime):
            reason (None | str | Unset):
            superseded_by (None | str | Unset):
    """

    application_id: str
    recording_number: str
    skk_number: str
    seq: int
    status: ReceiveSikiWebhookWebhookCertificateStatusChangedCertificateStatusWebhookDataCertificateStatus
    previous_status: ReceiveSikiWebhookWebhookCertificateStatusChangedCertificateStatusWebhookDataCertificateStatus
    at: datetime.datetime
    reason: None | str | Unset = UNSET
    superseded_by: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        application_id = self.application_id

        recording_number = self.recording_number

        skk_number = self.skk_number

        seq = self.seq

        status = self.status.value

        previous_status = self.previous_status.value

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
                "application_id": application_id,
                "recording_number": recording_number,
                "skk_number": skk_number,
                "seq": seq,
                "status": status,
                "previous_status": previous_status,
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
        application_id = d.pop("application_id")

        recording_number = d.pop("recording_number")

        skk_number = d.pop("skk_number")

        seq = d.pop("seq")

        status = ReceiveSikiWebhookWebhookCertificateStatusChangedCertificateStatusWebhookDataCertificateStatus(
            d.pop("status")
        )

        previous_status = (
            ReceiveSikiWebhookWebhookCertificateStatusChangedCertificateStatusWebhookDataCertificateStatus(
                d.pop("previous_status")
            )
        )

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

        receive_siki_webhook_webhook_certificate_status_changed_certificate_status_webhook_data = cls(
            application_id=application_id,
            recording_number=recording_number,
            skk_number=skk_number,
            seq=seq,
            status=status,
            previous_status=previous_status,
            at=at,
            reason=reason,
            superseded_by=superseded_by,
        )

        receive_siki_webhook_webhook_certificate_status_changed_certificate_status_webhook_data.additional_properties = d
        return receive_siki_webhook_webhook_certificate_status_changed_certificate_status_webhook_data

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
