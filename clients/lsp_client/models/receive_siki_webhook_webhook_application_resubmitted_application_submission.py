from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.receive_siki_webhook_webhook_application_resubmitted_application_submission_kualifikasi import (
    ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionKualifikasi,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.receive_siki_webhook_webhook_application_resubmitted_application_submission_applicant import (
        ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionApplicant,
    )
    from ..models.receive_siki_webhook_webhook_application_resubmitted_application_submission_document_ref import (
        ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionDocumentRef,
    )
    from ..models.receive_siki_webhook_webhook_application_resubmitted_application_submission_sections import (
        ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionSections,
    )


T = TypeVar("T", bound="ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmission")


@_attrs_define
class ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmission:
    """portal -> SIKI ``submit_application``; SIKI forwards the same body to the LSP.

    Attributes:
        id (str):
        applicant (ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionApplicant):
        nik (str):
        lsp_code (str):
        klasifikasi_code (str):
        subklasifikasi_code (str):
        kualifikasi (ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionKualifikasi):
        jabatan_kerja_code (str):
        jenjang (int):
        submitted_at (datetime.datetime):
        sections (ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionSections):
        submission_no (int | Unset): 1 for the first submission, +1 for each resubmission Default: 1.
        application_kind (str | Unset):  Default: 'baru'.
        documents (list[ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionDocumentRef] | Unset):
    """

    id: str
    applicant: ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionApplicant
    nik: str
    lsp_code: str
    klasifikasi_code: str
    subklasifikasi_code: str
    kualifikasi: ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionKualifikasi
    jabatan_kerja_code: str
    jenjang: int
    submitted_at: datetime.datetime
    sections: ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionSections
    submission_no: int | Unset = 1
    application_kind: str | Unset = "baru"
    documents: list[ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionDocumentRef] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
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

        application_kind = self.application_kind

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
        if documents is not UNSET:
            field_dict["documents"] = documents

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.receive_siki_webhook_webhook_application_resubmitted_application_submission_applicant import (
            ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionApplicant,
        )
        from ..models.receive_siki_webhook_webhook_application_resubmitted_application_submission_document_ref import (
            ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionDocumentRef,
        )
        from ..models.receive_siki_webhook_webhook_application_resubmitted_application_submission_sections import (
            ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionSections,
        )

        d = dict(src_dict)
        id = d.pop("id")

        applicant = ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionApplicant.from_dict(
            d.pop("applicant")
        )

        nik = d.pop("nik")

        lsp_code = d.pop("lsp_code")

        klasifikasi_code = d.pop("klasifikasi_code")

        subklasifikasi_code = d.pop("subklasifikasi_code")

        kualifikasi = ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionKualifikasi(
            d.pop("kualifikasi")
        )

        jabatan_kerja_code = d.pop("jabatan_kerja_code")

        jenjang = d.pop("jenjang")

        submitted_at = datetime.datetime.fromisoformat(d.pop("submitted_at"))

        sections = ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionSections.from_dict(
            d.pop("sections")
        )

        submission_no = d.pop("submission_no", UNSET)

        application_kind = d.pop("application_kind", UNSET)

        _documents = d.pop("documents", UNSET)
        documents: list[ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionDocumentRef] | Unset = UNSET
        if _documents is not UNSET:
            documents = []
            for documents_item_data in _documents:
                documents_item = (
                    ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionDocumentRef.from_dict(
                        documents_item_data
                    )
                )

                documents.append(documents_item)

        receive_siki_webhook_webhook_application_resubmitted_application_submission = cls(
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
            documents=documents,
        )

        receive_siki_webhook_webhook_application_resubmitted_application_submission.additional_properties = d
        return receive_siki_webhook_webhook_application_resubmitted_application_submission

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
