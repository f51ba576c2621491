from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.application_submission_application_kind import ApplicationSubmissionApplicationKind
from ..models.application_submission_kualifikasi import ApplicationSubmissionKualifikasi
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.applicant import Applicant
    from ..models.application_submission_sections import ApplicationSubmissionSections
    from ..models.document_ref import DocumentRef
    from ..models.previous_certificate import PreviousCertificate


T = TypeVar("T", bound="ApplicationSubmission")


@_attrs_define
class ApplicationSubmission:
    """portal -> SIKI ``submit_application``; SIKI forwards the same body to the LSP.

    Attributes:
        id (str):
        applicant (Applicant):
        nik (str):
        lsp_code (str):
        klasifikasi_code (str):
        subklasifikasi_code (str):
        kualifikasi (ApplicationSubmissionKualifikasi):
        jabatan_kerja_code (str):
        jenjang (int):
        submitted_at (datetime.datetime):
        sections (ApplicationSubmissionSections):
        submission_no (int | Unset): 1 for the first submission, +1 for each resubmission Default: 1.
        application_kind (ApplicationSubmissionApplicationKind | Unset):  Default:
            ApplicationSubmissionApplicationKind.BARU.
        previous_skk_number (None | str | Unset):
        previous_certificate (None | PreviousCertificate | Unset):
        pkb_credits (int | None | Unset):
        changed_fields (list[Literal['full_name']] | Unset):
        documents (list[DocumentRef] | Unset):
    """

    id: str
    applicant: Applicant
    nik: str
    lsp_code: str
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: ApplicationSubmissionKualifikasi
    jabatan_kerja_code: str
    jenjang: int
    submitted_at: datetime.datetime
    sections: ApplicationSubmissionSections
    submission_no: int | Unset = 1
    application_kind: ApplicationSubmissionApplicationKind | Unset = ApplicationSubmissionApplicationKind.BARU
    previous_skk_number: None | str | Unset = UNSET
    previous_certificate: None | PreviousCertificate | Unset = UNSET
    pkb_credits: int | None | Unset = UNSET
    changed_fields: list[Literal["full_name"]] | Unset = UNSET
    documents: list[DocumentRef] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.previous_certificate import PreviousCertificate

        id = self.id

        applicant = self.applicant.to_dict()

        nik = self.nik

        lsp_code = self.lsp_code

        klasifikasi_code = self.klasifikasi_code

        subklasifikasi_code = self.subklasifikasi_code

        kualifikasi = self.kualifikasi.value

        jabatan_kerja_code = self.jabatan_kerja_code

        jenjang = self.jenjang

        submitted_at = self.submitted_at.isoformat()

        sections = self.sections.to_dict()

        submission_no = self.submission_no

        application_kind: str | Unset = UNSET
        if not isinstance(self.application_kind, Unset):
            application_kind = self.application_kind.value

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

        changed_fields: list[Literal["full_name"]] | Unset = UNSET
        if not isinstance(self.changed_fields, Unset):
            changed_fields = self.changed_fields

        documents: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.documents, Unset):
            documents = []
            for documents_item_data in self.documents:
                documents_item = documents_item_data.to_dict()
                documents.append(documents_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "applicant": applicant,
                "nik": nik,
                "lsp_code": lsp_code,
                "klasifikasi_code": klasifikasi_code,
                "subklasifikasi_code": subklasifikasi_code,
                "kualifikasi": kualifikasi,
                "jabatan_kerja_code": jabatan_kerja_code,
                "jenjang": jenjang,
                "submitted_at": submitted_at,
                "sections": sections,
            }
        )
        if submission_no is not UNSET:
            field_dict["submission_no"] = submission_no
        if application_kind is not UNSET:
            field_dict["application_kind"] = application_kind
        if previous_skk_number is not UNSET:
            field_dict["previous_skk_number"] = previous_skk_number
        if previous_certificate is not UNSET:
            field_dict["previous_certificate"] = previous_certificate
        if pkb_credits is not UNSET:
            field_dict["pkb_credits"] = pkb_credits
        if changed_fields is not UNSET:
            field_dict["changed_fields"] = changed_fields
        if documents is not UNSET:
            field_dict["documents"] = documents

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.applicant import Applicant
        from ..models.application_submission_sections import ApplicationSubmissionSections
        from ..models.document_ref import DocumentRef
        from ..models.previous_certificate import PreviousCertificate

        d = dict(src_dict)
        id = d.pop("id")

        applicant = Applicant.from_dict(d.pop("applicant"))

        nik = d.pop("nik")

        lsp_code = d.pop("lsp_code")

        klasifikasi_code = d.pop("klasifikasi_code")

        subklasifikasi_code = d.pop("subklasifikasi_code")

        kualifikasi = ApplicationSubmissionKualifikasi(d.pop("kualifikasi"))

        jabatan_kerja_code = d.pop("jabatan_kerja_code")

        jenjang = d.pop("jenjang")

        submitted_at = datetime.datetime.fromisoformat(d.pop("submitted_at"))

        sections = ApplicationSubmissionSections.from_dict(d.pop("sections"))

        submission_no = d.pop("submission_no", UNSET)

        _application_kind = d.pop("application_kind", UNSET)
        application_kind: ApplicationSubmissionApplicationKind | Unset
        if isinstance(_application_kind, Unset):
            application_kind = UNSET
        else:
            application_kind = ApplicationSubmissionApplicationKind(_application_kind)

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

        _changed_fields = d.pop("changed_fields", UNSET)
        changed_fields: list[Literal["full_name"]] | Unset = UNSET
        if _changed_fields is not UNSET:
            changed_fields = []
            for changed_fields_item_data in _changed_fields:
                changed_fields_item = cast(Literal["full_name"], changed_fields_item_data)
                if changed_fields_item != "full_name":
                    raise ValueError(f"changed_fields_item must match const 'full_name', got '{changed_fields_item}'")
                changed_fields.append(changed_fields_item)

        _documents = d.pop("documents", UNSET)
        documents: list[DocumentRef] | Unset = UNSET
        if _documents is not UNSET:
            documents = []
            for documents_item_data in _documents:
                documents_item = DocumentRef.from_dict(documents_item_data)

                documents.append(documents_item)

        application_submission = cls(
            id=id,
            applicant=applicant,
            nik=nik,
            lsp_code=lsp_code,
            klasifikasi_code=klasifikasi_code,
            subklasifikasi_code=subklasifikasi_code,
            kualifikasi=kualifikasi,
            jabatan_kerja_code=jabatan_kerja_code,
            jenjang=jenjang,
            submitted_at=submitted_at,
            sections=sections,
            submission_no=submission_no,
            application_kind=application_kind,
            previous_skk_number=previous_skk_number,
            previous_certificate=previous_certificate,
            pkb_credits=pkb_credits,
            changed_fields=changed_fields,
            documents=documents,
        )

        application_submission.additional_properties = d
        return application_submission

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
