from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.application_status import ApplicationStatus
from ..models.application_view_application_kind import ApplicationViewApplicationKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.apl_01 import Apl01
    from ..models.appeal import Appeal
    from ..models.applicant import Applicant
    from ..models.application_view_sections import ApplicationViewSections
    from ..models.assessment_view import AssessmentView
    from ..models.certificate import Certificate
    from ..models.certificate_status_view import CertificateStatusView
    from ..models.data_change import DataChange
    from ..models.decision import Decision
    from ..models.document_ref import DocumentRef
    from ..models.eligibility import Eligibility
    from ..models.invoice_view import InvoiceView
    from ..models.payment import Payment
    from ..models.precheck import Precheck
    from ..models.previous_certificate import PreviousCertificate
    from ..models.report_view import ReportView
    from ..models.requirements_override import RequirementsOverride
    from ..models.timeline_item import TimelineItem


T = TypeVar("T", bound="ApplicationView")


@_attrs_define
class ApplicationView:
    """
    Attributes:
        id (str):
        status (ApplicationStatus):
        lsp_code (str):
        submission_no (int):
        applicant (Applicant):
        nik (str):
        klasifikasi_code (str):
        subklasifikasi_code (str):
        kualifikasi (str):
        jabatan_kerja_code (str):
        jenjang (int):
        application_kind (ApplicationViewApplicationKind):
        tuk_code (None | str):
        submitted_at (datetime.datetime):
        sections (ApplicationViewSections):
        documents (list[DocumentRef]):
        precheck (None | Precheck):
        apl01 (Apl01):
        invoice (InvoiceView | None):
        payment (Payment):
        certification_started_at (datetime.datetime | None):
        assessments (list[AssessmentView]):
        decision (Decision):
        appeal (Appeal):
        certificate (Certificate | None):
        timeline (list[TimelineItem]):
        reports (list[ReportView]):
        previous_skk_number (None | str | Unset):
        previous_certificate (None | PreviousCertificate | Unset):
        pkb_credits (int | None | Unset):
        pkb_minimum (int | None | Unset):
        pkb_document (bool | Unset): a document of kind "pkb" (the SKPK evidence) is attached Default: False.
        changes (list[DataChange] | Unset): a change: the fields it corrects
        eligibility (Eligibility | None | Unset):
        requirements_override (None | RequirementsOverride | Unset):
        certificate_status (CertificateStatusView | None | Unset):
    """

    id: str
    status: ApplicationStatus
    lsp_code: str
    submission_no: int
    applicant: Applicant
    nik: str
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: str
    jabatan_kerja_code: str
    jenjang: int
    application_kind: ApplicationViewApplicationKind
    tuk_code: None | str
    submitted_at: datetime.datetime
    sections: ApplicationViewSections
    documents: list[DocumentRef]
    precheck: None | Precheck
    apl01: Apl01
    invoice: InvoiceView | None
    payment: Payment
    certification_started_at: datetime.datetime | None
    assessments: list[AssessmentView]
    decision: Decision
    appeal: Appeal
    certificate: Certificate | None
    timeline: list[TimelineItem]
    reports: list[ReportView]
    previous_skk_number: None | str | Unset = UNSET
    previous_certificate: None | PreviousCertificate | Unset = UNSET
    pkb_credits: int | None | Unset = UNSET
    pkb_minimum: int | None | Unset = UNSET
    pkb_document: bool | Unset = False
    changes: list[DataChange] | Unset = UNSET
    eligibility: Eligibility | None | Unset = UNSET
    requirements_override: None | RequirementsOverride | Unset = UNSET
    certificate_status: CertificateStatusView | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.certificate import Certificate
        from ..models.certificate_status_view import CertificateStatusView
        from ..models.eligibility import Eligibility
        from ..models.invoice_view import InvoiceView
        from ..models.precheck import Precheck
        from ..models.previous_certificate import PreviousCertificate
        from ..models.requirements_override import RequirementsOverride

        id = self.id

        status = self.status.value

        lsp_code = self.lsp_code

        submission_no = self.submission_no

        applicant = self.applicant.to_dict()

        nik = self.nik

        klasifikasi_code = self.klasifikasi_code

        subklasifikasi_code = self.subklasifikasi_code

        kualifikasi = self.kualifikasi

        jabatan_kerja_code = self.jabatan_kerja_code

        jenjang = self.jenjang

        application_kind = self.application_kind.value

        tuk_code: None | str
        tuk_code = self.tuk_code

        submitted_at = self.submitted_at.isoformat()

        sections = self.sections.to_dict()

        documents = []
        for documents_item_data in self.documents:
            documents_item = documents_item_data.to_dict()
            documents.append(documents_item)

        precheck: dict[str, Any] | None
        if isinstance(self.precheck, Precheck):
            precheck = self.precheck.to_dict()
        else:
            precheck = self.precheck

        apl01 = self.apl01.to_dict()

        invoice: dict[str, Any] | None
        if isinstance(self.invoice, InvoiceView):
            invoice = self.invoice.to_dict()
        else:
            invoice = self.invoice

        payment = self.payment.to_dict()

        certification_started_at: None | str
        if isinstance(self.certification_started_at, datetime.datetime):
            certification_started_at = self.certification_started_at.isoformat()
        else:
            certification_started_at = self.certification_started_at

        assessments = []
        for assessments_item_data in self.assessments:
            assessments_item = assessments_item_data.to_dict()
            assessments.append(assessments_item)

        decision = self.decision.to_dict()

        appeal = self.appeal.to_dict()

        certificate: dict[str, Any] | None
        if isinstance(self.certificate, Certificate):
            certificate = self.certificate.to_dict()
        else:
            certificate = self.certificate

        timeline = []
        for timeline_item_data in self.timeline:
            timeline_item = timeline_item_data.to_dict()
            timeline.append(timeline_item)

        reports = []
        for reports_item_data in self.reports:
            reports_item = reports_item_data.to_dict()
            reports.append(reports_item)

        previous_skk_number: None | str | Unset
        if isinstance(self.previous_skk_number, Unset):
            previous_skk_number = UNSET
        else:
            previous_skk_number = self.previous_skk_number

        previous_certificate: dict[str, Any] | None | Unset
        if isinstance(self.previous_certificate, Unset):
            previous_certificate = UNSET
        elif isinstance(self.previous_certificate, PreviousCertificate):
            previous_certificate = self.previous_certificate.to_dict()
        else:
            previous_certificate = self.previous_certificate

        pkb_credits: int | None | Unset
        if isinstance(self.pkb_credits, Unset):
            pkb_credits = UNSET
        else:
            pkb_credits = self.pkb_credits

        pkb_minimum: int | None | Unset
        if isinstance(self.pkb_minimum, Unset):
            pkb_minimum = UNSET
        else:
            pkb_minimum = self.pkb_minimum

        pkb_document = self.pkb_document

        changes: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.changes, Unset):
            changes = []
            for changes_item_data in self.changes:
                changes_item = changes_item_data.to_dict()
                changes.append(changes_item)

        eligibility: dict[str, Any] | None | Unset
        if isinstance(self.eligibility, Unset):
            eligibility = UNSET
        elif isinstance(self.eligibility, Eligibility):
            eligibility = self.eligibility.to_dict()
        else:
            eligibility = self.eligibility

        requirements_override: dict[str, Any] | None | Unset
        if isinstance(self.requirements_override, Unset):
            requirements_override = UNSET
        elif isinstance(self.requirements_override, RequirementsOverride):
            requirements_override = self.requirements_override.to_dict()
        else:
            requirements_override = self.requirements_override

        certificate_status: dict[str, Any] | None | Unset
        if isinstance(self.certificate_status, Unset):
            certificate_status = UNSET
        elif isinstance(self.certificate_status, CertificateStatusView):
            certificate_status = self.certificate_status.to_dict()
        else:
            certificate_status = self.certificate_status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "lsp_code": lsp_code,
                "submission_no": submission_no,
                "applicant": applicant,
                "nik": nik,
                "klasifikasi_code": klasifikasi_code,
                "subklasifikasi_code": subklasifikasi_code,
                "kualifikasi": kualifikasi,
                "jabatan_kerja_code": jabatan_kerja_code,
                "jenjang": jenjang,
                "application_kind": application_kind,
                "tuk_code": tuk_code,
                "submitted_at": submitted_at,
                "sections": sections,
                "documents": documents,
                "precheck": precheck,
                "apl01": apl01,
                "invoice": invoice,
                "payment": payment,
                "certification_started_at": certification_started_at,
                "assessments": assessments,
                "decision": decision,
                "appeal": appeal,
                "certificate": certificate,
                "timeline": timeline,
                "reports": reports,
            }
        )
        if previous_skk_number is not UNSET:
            field_dict["previous_skk_number"] = previous_skk_number
        if previous_certificate is not UNSET:
            field_dict["previous_certificate"] = previous_certificate
        if pkb_credits is not UNSET:
            field_dict["pkb_credits"] = pkb_credits
        if pkb_minimum is not UNSET:
            field_dict["pkb_minimum"] = pkb_minimum
        if pkb_document is not UNSET:
            field_dict["pkb_document"] = pkb_document
        if changes is not UNSET:
            field_dict["changes"] = changes
        if eligibility is not UNSET:
            field_dict["eligibility"] = eligibility
        if requirements_override is not UNSET:
            field_dict["requirements_override"] = requirements_override
        if certificate_status is not UNSET:
            field_dict["certificate_status"] = certificate_status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.apl_01 import Apl01
        from ..models.appeal import Appeal
        from ..models.applicant import Applicant
        from ..models.application_view_sections import ApplicationViewSections
        from ..models.assessment_view import AssessmentView
        from ..models.certificate import Certificate
        from ..models.certificate_status_view import CertificateStatusView
        from ..models.data_change import DataChange
        from ..models.decision import Decision
        from ..models.document_ref import DocumentRef
        from ..models.eligibility import Eligibility
        from ..models.invoice_view import InvoiceView
        from ..models.payment import Payment
        from ..models.precheck import Precheck
        from ..models.previous_certificate import PreviousCertificate
        from ..models.report_view import ReportView
        from ..models.requirements_override import RequirementsOverride
        from ..models.timeline_item import TimelineItem

        d = dict(src_dict)
        id = d.pop("id")

        status = ApplicationStatus(d.pop("status"))

        lsp_code = d.pop("lsp_code")

        submission_no = d.pop("submission_no")

        applicant = Applicant.from_dict(d.pop("applicant"))

        nik = d.pop("nik")

        klasifikasi_code = d.pop("klasifikasi_code")

        subklasifikasi_code = d.pop("subklasifikasi_code")

        kualifikasi = d.pop("kualifikasi")

        jabatan_kerja_code = d.pop("jabatan_kerja_code")

        jenjang = d.pop("jenjang")

        application_kind = ApplicationViewApplicationKind(d.pop("application_kind"))

        def _parse_tuk_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        tuk_code = _parse_tuk_code(d.pop("tuk_code"))

        submitted_at = datetime.datetime.fromisoformat(d.pop("submitted_at"))

        sections = ApplicationViewSections.from_dict(d.pop("sections"))

        documents = []
        _documents = d.pop("documents")
        for documents_item_data in _documents:
            documents_item = DocumentRef.from_dict(documents_item_data)

            documents.append(documents_item)

        def _parse_precheck(data: object) -> None | Precheck:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                precheck_type_0 = Precheck.from_dict(data)

                return precheck_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Precheck, data)

        precheck = _parse_precheck(d.pop("precheck"))

        apl01 = Apl01.from_dict(d.pop("apl01"))

        def _parse_invoice(data: object) -> InvoiceView | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                invoice_type_0 = InvoiceView.from_dict(data)

                return invoice_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(InvoiceView | None, data)

        invoice = _parse_invoice(d.pop("invoice"))

        payment = Payment.from_dict(d.pop("payment"))

        def _parse_certification_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                certification_started_at_type_0 = datetime.datetime.fromisoformat(data)

                return certification_started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        certification_started_at = _parse_certification_started_at(d.pop("certification_started_at"))

        assessments = []
        _assessments = d.pop("assessments")
        for assessments_item_data in _assessments:
            assessments_item = AssessmentView.from_dict(assessments_item_data)

            assessments.append(assessments_item)

        decision = Decision.from_dict(d.pop("decision"))

        appeal = Appeal.from_dict(d.pop("appeal"))

        def _parse_certificate(data: object) -> Certificate | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                certificate_type_0 = Certificate.from_dict(data)

                return certificate_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Certificate | None, data)

        certificate = _parse_certificate(d.pop("certificate"))

        timeline = []
        _timeline = d.pop("timeline")
        for timeline_item_data in _timeline:
            timeline_item = TimelineItem.from_dict(timeline_item_data)

            timeline.append(timeline_item)

        reports = []
        _reports = d.pop("reports")
        for reports_item_data in _reports:
            reports_item = ReportView.from_dict(reports_item_data)

            reports.append(reports_item)

        def _parse_previous_skk_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        previous_skk_number = _parse_previous_skk_number(d.pop("previous_skk_number", UNSET))

        def _parse_previous_certificate(data: object) -> None | PreviousCertificate | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                previous_certificate_type_0 = PreviousCertificate.from_dict(data)

                return previous_certificate_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PreviousCertificate | Unset, data)

        previous_certificate = _parse_previous_certificate(d.pop("previous_certificate", UNSET))

        def _parse_pkb_credits(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        pkb_credits = _parse_pkb_credits(d.pop("pkb_credits", UNSET))

        def _parse_pkb_minimum(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        pkb_minimum = _parse_pkb_minimum(d.pop("pkb_minimum", UNSET))

        pkb_document = d.pop("pkb_document", UNSET)

        _changes = d.pop("changes", UNSET)
        changes: list[DataChange] | Unset = UNSET
        if _changes is not UNSET:
            changes = []
            for changes_item_data in _changes:
                changes_item = DataChange.from_dict(changes_item_data)

                changes.append(changes_item)

        def _parse_eligibility(data: object) -> Eligibility | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                eligibility_type_0 = Eligibility.from_dict(data)

                return eligibility_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Eligibility | None | Unset, data)

        eligibility = _parse_eligibility(d.pop("eligibility", UNSET))

        def _parse_requirements_override(data: object) -> None | RequirementsOverride | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                requirements_override_type_0 = RequirementsOverride.from_dict(data)

                return requirements_override_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RequirementsOverride | Unset, data)

        requirements_override = _parse_requirements_override(d.pop("requirements_override", UNSET))

        def _parse_certificate_status(data: object) -> CertificateStatusView | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                certificate_status_type_0 = CertificateStatusView.from_dict(data)

                return certificate_status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CertificateStatusView | None | Unset, data)

        certificate_status = _parse_certificate_status(d.pop("certificate_status", UNSET))

        application_view = cls(
            id=id,
            status=status,
            lsp_code=lsp_code,
            submission_no=submission_no,
            applicant=applicant,
            nik=nik,
            klasifikasi_code=klasifikasi_code,
            subklasifikasi_code=subklasifikasi_code,
            kualifikasi=kualifikasi,
            jabatan_kerja_code=jabatan_kerja_code,
            jenjang=jenjang,
            application_kind=application_kind,
            tuk_code=tuk_code,
            submitted_at=submitted_at,
            sections=sections,
            documents=documents,
            precheck=precheck,
            apl01=apl01,
            invoice=invoice,
            payment=payment,
            certification_started_at=certification_started_at,
            assessments=assessments,
            decision=decision,
            appeal=appeal,
            certificate=certificate,
            timeline=timeline,
            reports=reports,
            previous_skk_number=previous_skk_number,
            previous_certificate=previous_certificate,
            pkb_credits=pkb_credits,
            pkb_minimum=pkb_minimum,
            pkb_document=pkb_document,
            changes=changes,
            eligibility=eligibility,
            requirements_override=requirements_override,
            certificate_status=certificate_status,
        )

        application_view.additional_properties = d
        return application_view

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
