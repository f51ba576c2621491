from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.application_status import ApplicationStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.application_form_file import ApplicationFormFile
    from ..models.assessment_info import AssessmentInfo
    from ..models.certificate import Certificate
    from ..models.invoice import Invoice


T = TypeVar("T", bound="StatusReport")


@_attrs_define
class StatusReport:
    """LSP -> SIKI ``report_status``: one step of the LSP's workflow.

    Attributes:
        report_id (str): unique per report; a retried report with the same id takes effect once
        status (ApplicationStatus):
        at (datetime.datetime):
        actor (str):
        note (None | str | Unset):
        reasons (list[str] | Unset):
        invoice (Invoice | None | Unset):
        assessment (AssessmentInfo | None | Unset):
        certificate (Certificate | None | Unset):
        certificate_pdf_base64 (None | str | Unset):
        forms (list[ApplicationFormFile] | None | Unset):
    """

    report_id: str
    status: ApplicationStatus
    at: datetime.datetime
    actor: str
    note: None | str | Unset = UNSET
    reasons: list[str] | Unset = UNSET
    invoice: Invoice | None | Unset = UNSET
    assessment: AssessmentInfo | None | Unset = UNSET
    certificate: Certificate | None | Unset = UNSET
    certificate_pdf_base64: None | str | Unset = UNSET
    forms: list[ApplicationFormFile] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.assessment_info import AssessmentInfo
        from ..models.certificate import Certificate
        from ..models.invoice import Invoice

        report_id = self.report_id

        status = self.status.value

        at = self.at.isoformat()

        actor = self.actor

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        reasons: list[str] | Unset = UNSET
        if not isinstance(self.reasons, Unset):
            reasons = self.reasons

        invoice: dict[str, Any] | None | Unset
        if isinstance(self.invoice, Unset):
            invoice = UNSET
        elif isinstance(self.invoice, Invoice):
            invoice = self.invoice.to_dict()
        else:
            invoice = self.invoice

        assessment: dict[str, Any] | None | Unset
        if isinstance(self.assessment, Unset):
            assessment = UNSET
        elif isinstance(self.assessment, AssessmentInfo):
            assessment = self.assessment.to_dict()
        else:
            assessment = self.assessment

        certificate: dict[str, Any] | None | Unset
        if isinstance(self.certificate, Unset):
            certificate = UNSET
        elif isinstance(self.certificate, Certificate):
            certificate = self.certificate.to_dict()
        else:
            certificate = self.certificate

        certificate_pdf_base64: None | str | Unset
        if isinstance(self.certificate_pdf_base64, Unset):
            certificate_pdf_base64 = UNSET
        else:
            certificate_pdf_base64 = self.certificate_pdf_base64

        forms: list[dict[str, Any]] | None | Unset
        if isinstance(self.forms, Unset):
            forms = UNSET
        elif isinstance(self.forms, list):
            forms = []
            for forms_type_0_item_data in self.forms:
                forms_type_0_item = forms_type_0_item_data.to_dict()
                forms.append(forms_type_0_item)

        else:
            forms = self.forms

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "report_id": report_id,
                "status": status,
                "at": at,
                "actor": actor,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note
        if reasons is not UNSET:
            field_dict["reasons"] = reasons
        if invoice is not UNSET:
            field_dict["invoice"] = invoice
        if assessment is not UNSET:
            field_dict["assessment"] = assessment
        if certificate is not UNSET:
            field_dict["certificate"] = certificate
        if certificate_pdf_base64 is not UNSET:
            field_dict["certificate_pdf_base64"] = certificate_pdf_base64
        if forms is not UNSET:
            field_dict["forms"] = forms

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.application_form_file import ApplicationFormFile
        from ..models.assessment_info import AssessmentInfo
        from ..models.certificate import Certificate
        from ..models.invoice import Invoice

        d = dict(src_dict)
        report_id = d.pop("report_id")

        status = ApplicationStatus(d.pop("status"))

        at = datetime.datetime.fromisoformat(d.pop("at"))

        actor = d.pop("actor")

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        reasons = cast(list[str], d.pop("reasons", UNSET))

        def _parse_invoice(data: object) -> Invoice | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                invoice_type_0 = Invoice.from_dict(data)

                return invoice_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Invoice | None | Unset, data)

        invoice = _parse_invoice(d.pop("invoice", UNSET))

        def _parse_assessment(data: object) -> AssessmentInfo | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                assessment_type_0 = AssessmentInfo.from_dict(data)

                return assessment_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AssessmentInfo | None | Unset, data)

        assessment = _parse_assessment(d.pop("assessment", UNSET))

        def _parse_certificate(data: object) -> Certificate | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                certificate_type_0 = Certificate.from_dict(data)

                return certificate_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Certificate | None | Unset, data)

        certificate = _parse_certificate(d.pop("certificate", UNSET))

        def _parse_certificate_pdf_base64(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        certificate_pdf_base64 = _parse_certificate_pdf_base64(d.pop("certificate_pdf_base64", UNSET))

        def _parse_forms(data: object) -> list[ApplicationFormFile] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                forms_type_0 = []
                _forms_type_0 = data
                for forms_type_0_item_data in _forms_type_0:
                    forms_type_0_item = ApplicationFormFile.from_dict(forms_type_0_item_data)

                    forms_type_0.append(forms_type_0_item)

                return forms_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ApplicationFormFile] | None | Unset, data)

        forms = _parse_forms(d.pop("forms", UNSET))

        status_report = cls(
            report_id=report_id,
            status=status,
            at=at,
            actor=actor,
            note=note,
            reasons=reasons,
            invoice=invoice,
            assessment=assessment,
            certificate=certificate,
            certificate_pdf_base64=certificate_pdf_base64,
            forms=forms,
        )

        status_report.additional_properties = d
        return status_report

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
