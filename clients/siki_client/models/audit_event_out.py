from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.audit_event_out_detail import AuditEventOutDetail


T = TypeVar("T", bound="AuditEventOut")


@_attrs_define
class AuditEventOut:
    """
    Attributes:
        id (int):
        at (datetime.datetime):
        actor (str):
        action (str):
        target_type (None | str):
        target_id (None | str):
        application_id (None | str):
        client (None | str):
        detail (AuditEventOutDetail):
        prev_hash (str):
        hash_ (str):
    """

    id: int
    at: datetime.datetime
    actor: str
    action: str
    target_type: None | str
    target_id: None | str
    application_id: None | str
    client: None | str
    detail: AuditEventOutDetail
    prev_hash: str
    hash_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        at = self.at.isoformat()

        actor = self.actor

        action = self.action

        target_type: None | str
        target_type = self.target_type

        target_id: None | str
        target_id = self.target_id

        application_id: None | str
        application_id = self.application_id

        client: None | str
        client = self.client

        detail = self.detail.to_dict()

        prev_hash = self.prev_hash

        hash_ = self.hash_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "at": at,
                "actor": actor,
                "action": action,
                "target_type": target_type,
                "target_id": target_id,
                "application_id": application_id,
                "client": client,
                "detail": detail,
                "prev_hash": prev_hash,
                "hash": hash_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.audit_event_out_detail import AuditEventOutDetail

        d = dict(src_dict)
        id = d.pop("id")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        actor = d.pop("actor")

        action = d.pop("action")

        def _parse_target_type(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        target_type = _parse_target_type(d.pop("target_type"))

        def _parse_target_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        target_id = _parse_target_id(d.pop("target_id"))

        def _parse_application_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        application_id = _parse_application_id(d.pop("application_id"))

        def _parse_client(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        client = _parse_client(d.pop("client"))

        detail = AuditEventOutDetail.from_dict(d.pop("detail"))

        prev_hash = d.pop("prev_hash")

        hash_ = d.pop("hash")

        audit_event_out = cls(
            id=id,
            at=at,
            actor=actor,
            action=action,
            target_type=target_type,
            target_id=target_id,
            application_id=application_id,
            client=client,
            detail=detail,
            prev_hash=prev_hash,
            hash_=hash_,
        )

        audit_event_out.additional_properties = d
        return audit_event_out

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
