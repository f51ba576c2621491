from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.application_status import ApplicationStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.certificate_out import CertificateOut
    from ..models.invoice import Invoice
    from ..models.section_saved_sections import SectionSavedSections
    from ..models.timeline_entry_out import TimelineEntryOut


T = TypeVar("T", bound="SectionSaved")


@_attrs_define
class SectionSaved:
    """``put_application_section``: the application, and whether the section just saved is
    complete; ``missing`` names each required field still empty (``experience.items.0.position``).

        Attributes:
            id (str):
            application_kind (str):
            status (ApplicationStatus):
            lsp_code (None | str):
            created_at (datetime.datetime):
            updated_at (datetime.datetime):
            submission_no (int):
            sections (SectionSavedSections):
            timeline (list[TimelineEntryOut]):
            invoice (Invoice | None):
            certificate (CertificateOut | None):
            reasons (list[str]):
            section (str):
            complete (bool):
            missing (list[str]):
            previous_skk_number (None | str | Unset):
    """

    id: str
    application_kind: str
    status: ApplicationStatus
    lsp_code: None | str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    submission_no: int
    sections: SectionSavedSections
    timeline: list[TimelineEntryOut]
    invoice: Invoice | None
    certificate: CertificateOut | None
    reasons: list[str]
    section: str
    complete: bool
    missing: list[str]
    previous_skk_number: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.certificate_out import CertificateOut
        from ..models.invoice import Invoice

        id = self.id

        application_kind = self.application_kind

        status = self.status.value

        lsp_code: None | str
        lsp_code = self.lsp_code

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        submission_no = self.submission_no

        sections = self.sections.to_dict()

        timeline = []
        for timeline_item_data in self.timeline:
            timeline_item = timeline_item_data.to_dict()
            timeline.append(timeline_item)

        invoice: dict[str, Any] | None
        if isinstance(self.invoice, Invoice):
            invoice = self.invoice.to_dict()
        else:
            invoice = self.invoice

        certificate: dict[str, Any] | None
        if isinstance(self.certificate, CertificateOut):
            certificate = self.certificate.to_dict()
        else:
            certificate = self.certificate

        reasons = self.reasons

        section = self.section

        complete = self.complete

        missing = self.missing

        previous_skk_number: None | str | Unset
        if isinstance(self.previous_skk_number, Unset):
            previous_skk_number = UNSET
        else:
            previous_skk_number = self.previous_skk_number

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "application_kind": application_kind,
                "status": status,
                "lsp_code": lsp_code,
                "created_at": created_at,
                "updated_at": updated_at,
                "submission_no": submission_no,
                "sections": sections,
                "timeline": timeline,
                "invoice": invoice,
                "certificate": certificate,
                "reasons": reasons,
                "section": section,
                "complete": complete,
                "missing": missing,
            }
        )
        if previous_skk_number is not UNSET:
            field_dict["previous_skk_number"] = previous_skk_number

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.certificate_out import CertificateOut
        from ..models.invoice import Invoice
        from ..models.section_saved_sections import SectionSavedSections
        from ..models.timeline_entry_out import TimelineEntryOut

        d = dict(src_dict)
        id = d.pop("id")

        application_kind = d.pop("application_kind")

        status = ApplicationStatus(d.pop("status"))

        def _parse_lsp_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        lsp_code = _parse_lsp_code(d.pop("lsp_code"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        submission_no = d.pop("submission_no")

        sections = SectionSavedSections.from_dict(d.pop("sections"))

        timeline = []
        _timeline = d.pop("timeline")
        for timeline_item_data in _timeline:
            timeline_item = TimelineEntryOut.from_dict(timeline_item_data)

            timeline.append(timeline_item)

        def _parse_invoice(data: object) -> Invoice | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                invoice_type_0 = Invoice.from_dict(data)

                return invoice_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Invoice | None, data)

        invoice = _parse_invoice(d.pop("invoice"))

        def _parse_certificate(data: object) -> CertificateOut | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                certificate_type_0 = CertificateOut.from_dict(data)

                return certificate_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CertificateOut | None, data)

        certificate = _parse_certificate(d.pop("certificate"))

        reasons = cast(list[str], d.pop("reasons"))

        section = d.pop("section")

        complete = d.pop("complete")

        missing = cast(list[str], d.pop("missing"))

        def _parse_previous_skk_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        previous_skk_number = _parse_previous_skk_number(d.pop("previous_skk_number", UNSET))

        section_saved = cls(
            id=id,
            application_kind=application_kind,
            status=status,
            lsp_code=lsp_code,
            created_at=created_at,
            updated_at=updated_at,
            submission_no=submission_no,
            sections=sections,
            timeline=timeline,
            invoice=invoice,
            certificate=certificate,
            reasons=reasons,
            section=section,
            complete=complete,
            missing=missing,
            previous_skk_number=previous_skk_number,
        )

        section_saved.additional_properties = d
        return section_saved

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
