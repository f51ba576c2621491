"""Contains all the data models used in inputs/outputs"""

from .activate_staff_body import ActivateStaffBody
from .apl_01 import Apl01
from .apl_01_recommendation_type_0 import Apl01RecommendationType0
from .appeal import Appeal
from .appeal_decision_body import AppealDecisionBody
from .appeal_decision_body_decision import AppealDecisionBodyDecision
from .appeal_decision_type_0 import AppealDecisionType0
from .applicant import Applicant
from .application_page import ApplicationPage
from .application_status import ApplicationStatus
from .application_summary import ApplicationSummary
from .application_summary_application_kind import ApplicationSummaryApplicationKind
from .application_view import ApplicationView
from .application_view_application_kind import ApplicationViewApplicationKind
from .application_view_sections import ApplicationViewSections
from .assessment_report_body import AssessmentReportBody
from .assessment_report_body_recommendation import AssessmentReportBodyRecommendation
from .assessment_view import AssessmentView
from .assessment_view_recommendation_type_0 import AssessmentViewRecommendationType0
from .assessment_view_result_type_0 import AssessmentViewResultType0
from .audit_check_out import AuditCheckOut
from .audit_event_out import AuditEventOut
from .audit_event_out_detail import AuditEventOutDetail
from .body_staff_login import BodyStaffLogin
from .certificate import Certificate
from .certificate_status import CertificateStatus
from .certificate_status_view import CertificateStatusView
from .create_staff_body import CreateStaffBody
from .data_change import DataChange
from .decision import Decision
from .decision_body import DecisionBody
from .decision_body_result import DecisionBodyResult
from .decision_result_type_0 import DecisionResultType0
from .document_ref import DocumentRef
from .eligibility import Eligibility
from .field_problem import FieldProblem
from .get_scheme_form_form import GetSchemeFormForm
from .health import Health
from .invoice_view import InvoiceView
from .jwk import Jwk
from .jwks import Jwks
from .payment import Payment
from .payment_proof import PaymentProof
from .payment_verification_body import PaymentVerificationBody
from .payment_verification_body_decision import PaymentVerificationBodyDecision
from .precheck import Precheck
from .precheck_option import PrecheckOption
from .previous_certificate import PreviousCertificate
from .problem_details import ProblemDetails
from .readiness import Readiness
from .readiness_checks import ReadinessChecks
from .receive_siki_webhook_webhook_appeal_filed import ReceiveSikiWebhookWebhookAppealFiled
from .receive_siki_webhook_webhook_appeal_filed_appeal_webhook_data import (
    ReceiveSikiWebhookWebhookAppealFiledAppealWebhookData,
)
from .receive_siki_webhook_webhook_application_completed import ReceiveSikiWebhookWebhookApplicationCompleted
from .receive_siki_webhook_webhook_application_completed_completion_webhook_data import (
    ReceiveSikiWebhookWebhookApplicationCompletedCompletionWebhookData,
)
from .receive_siki_webhook_webhook_application_resubmitted import ReceiveSikiWebhookWebhookApplicationResubmitted
from .receive_siki_webhook_webhook_application_resubmitted_application_submission import (
    ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmission,
)
from .receive_siki_webhook_webhook_application_resubmitted_application_submission_applicant import (
    ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionApplicant,
)
from .receive_siki_webhook_webhook_application_resubmitted_application_submission_application_kind import (
    ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionApplicationKind,
)
from .receive_siki_webhook_webhook_application_resubmitted_application_submission_document_ref import (
    ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionDocumentRef,
)
from .receive_siki_webhook_webhook_application_resubmitted_application_submission_kualifikasi import (
    ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionKualifikasi,
)
from .receive_siki_webhook_webhook_application_resubmitted_application_submission_previous_certificate import (
    ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionPreviousCertificate,
)
from .receive_siki_webhook_webhook_application_resubmitted_application_submission_previous_certificate_certificate_status import (
    ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionPreviousCertificateCertificateStatus,
)
from .receive_siki_webhook_webhook_application_resubmitted_application_submission_sections import (
    ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionSections,
)
from .receive_siki_webhook_webhook_application_resubmitted_application_submission_sections_additional_property import (
    ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionSectionsAdditionalProperty,
)
from .receive_siki_webhook_webhook_application_submitted import ReceiveSikiWebhookWebhookApplicationSubmitted
from .receive_siki_webhook_webhook_application_submitted_application_submission import (
    ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmission,
)
from .receive_siki_webhook_webhook_application_submitted_application_submission_applicant import (
    ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmissionApplicant,
)
from .receive_siki_webhook_webhook_application_submitted_application_submission_application_kind import (
    ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmissionApplicationKind,
)
from .receive_siki_webhook_webhook_application_submitted_application_submission_document_ref import (
    ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmissionDocumentRef,
)
from .receive_siki_webhook_webhook_application_submitted_application_submission_kualifikasi import (
    ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmissionKualifikasi,
)
from .receive_siki_webhook_webhook_application_submitted_application_submission_previous_certificate import (
    ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmissionPreviousCertificate,
)
from .receive_siki_webhook_webhook_application_submitted_application_submission_previous_certificate_certificate_status import (
    ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmissionPreviousCertificateCertificateStatus,
)
from .receive_siki_webhook_webhook_application_submitted_application_submission_sections import (
    ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmissionSections,
)
from .receive_siki_webhook_webhook_application_submitted_application_submission_sections_additional_property import (
    ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmissionSectionsAdditionalProperty,
)
from .receive_siki_webhook_webhook_application_withdrawn import ReceiveSikiWebhookWebhookApplicationWithdrawn
from .receive_siki_webhook_webhook_application_withdrawn_withdrawal_webhook_data import (
    ReceiveSikiWebhookWebhookApplicationWithdrawnWithdrawalWebhookData,
)
from .receive_siki_webhook_webhook_certificate_status_changed import ReceiveSikiWebhookWebhookCertificateStatusChanged
from .receive_siki_webhook_webhook_certificate_status_changed_certificate_status_webhook_data import (
    ReceiveSikiWebhookWebhookCertificateStatusChangedCertificateStatusWebhookData,
)
from .receive_siki_webhook_webhook_certificate_status_changed_certificate_status_webhook_data_certificate_status import (
    ReceiveSikiWebhookWebhookCertificateStatusChangedCertificateStatusWebhookDataCertificateStatus,
)
from .receive_siki_webhook_webhook_payment_proof_uploaded import ReceiveSikiWebhookWebhookPaymentProofUploaded
from .receive_siki_webhook_webhook_payment_proof_uploaded_payment_proof_webhook_data import (
    ReceiveSikiWebhookWebhookPaymentProofUploadedPaymentProofWebhookData,
)
from .receive_siki_webhook_webhook_payment_proof_uploaded_payment_proof_webhook_data_document_ref import (
    ReceiveSikiWebhookWebhookPaymentProofUploadedPaymentProofWebhookDataDocumentRef,
)
from .refused_report_view import RefusedReportView
from .report_view import ReportView
from .requirement_option import RequirementOption
from .requirements_override import RequirementsOverride
from .schedule_body import ScheduleBody
from .scheme_list import SchemeList
from .scheme_view import SchemeView
from .scheme_view_forms import SchemeViewForms
from .scheme_view_requirements import SchemeViewRequirements
from .staff_activated import StaffActivated
from .staff_page import StaffPage
from .staff_view import StaffView
from .sweep_body import SweepBody
from .sweep_result import SweepResult
from .timeline_item import TimelineItem
from .token_response import TokenResponse
from .unmet_requirement import UnmetRequirement
from .update_staff_body import UpdateStaffBody
from .verification_body import VerificationBody
from .verification_body_decision import VerificationBodyDecision
from .webhook_receipt import WebhookReceipt
from .webhook_receipt_outcome import WebhookReceiptOutcome

__all__ = (
    "ActivateStaffBody",
    "Apl01",
    "Apl01RecommendationType0",
    "Appeal",
    "AppealDecisionBody",
    "AppealDecisionBodyDecision",
    "AppealDecisionType0",
    "Applicant",
    "ApplicationPage",
    "ApplicationStatus",
    "ApplicationSummary",
    "ApplicationSummaryApplicationKind",
    "ApplicationView",
    "ApplicationViewApplicationKind",
    "ApplicationViewSections",
    "AssessmentReportBody",
    "AssessmentReportBodyRecommendation",
    "AssessmentView",
    "AssessmentViewRecommendationType0",
    "AssessmentViewResultType0",
    "AuditCheckOut",
    "AuditEventOut",
    "AuditEventOutDetail",
    "BodyStaffLogin",
    "Certificate",
    "CertificateStatus",
    "CertificateStatusView",
    "CreateStaffBody",
    "DataChange",
    "Decision",
    "DecisionBody",
    "DecisionBodyResult",
    "DecisionResultType0",
    "DocumentRef",
    "Eligibility",
    "FieldProblem",
    "GetSchemeFormForm",
    "Health",
    "InvoiceView",
    "Jwk",
    "Jwks",
    "Payment",
    "PaymentProof",
    "PaymentVerificationBody",
    "PaymentVerificationBodyDecision",
    "Precheck",
    "PrecheckOption",
    "PreviousCertificate",
    "ProblemDetails",
    "Readiness",
    "ReadinessChecks",
    "ReceiveSikiWebhookWebhookAppealFiled",
    "ReceiveSikiWebhookWebhookAppealFiledAppealWebhookData",
    "ReceiveSikiWebhookWebhookApplicationCompleted",
    "ReceiveSikiWebhookWebhookApplicationCompletedCompletionWebhookData",
    "ReceiveSikiWebhookWebhookApplicationResubmitted",
    "ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmission",
    "ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionApplicant",
    "ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionApplicationKind",
    "ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionDocumentRef",
    "ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionKualifikasi",
    "ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionPreviousCertificate",
    "ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionPreviousCertificateCertificateStatus",
    "ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionSections",
    "ReceiveSikiWebhookWebhookApplicationResubmittedApplicationSubmissionSectionsAdditionalProperty",
    "ReceiveSikiWebhookWebhookApplicationSubmitted",
    "ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmission",
    "ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmissionApplicant",
    "ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmissionApplicationKind",
    "ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmissionDocumentRef",
    "ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmissionKualifikasi",
    "ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmissionPreviousCertificate",
    "ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmissionPreviousCertificateCertificateStatus",
    "ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmissionSections",
    "ReceiveSikiWebhookWebhookApplicationSubmittedApplicationSubmissionSectionsAdditionalProperty",
    "ReceiveSikiWebhookWebhookApplicationWithdrawn",
    "ReceiveSikiWebhookWebhookApplicationWithdrawnWithdrawalWebhookData",
    "ReceiveSikiWebhookWebhookCertificateStatusChanged",
    "ReceiveSikiWebhookWebhookCertificateStatusChangedCertificateStatusWebhookData",
    "ReceiveSikiWebhookWebhookCertificateStatusChangedCertificateStatusWebhookDataCertificateStatus",
    "ReceiveSikiWebhookWebhookPaymentProofUploaded",
    "ReceiveSikiWebhookWebhookPaymentProofUploadedPaymentProofWebhookData",
    "ReceiveSikiWebhookWebhookPaymentProofUploadedPaymentProofWebhookDataDocumentRef",
    "RefusedReportView",
    "ReportView",
    "RequirementOption",
    "RequirementsOverride",
    "ScheduleBody",
    "SchemeList",
    "SchemeView",
    "SchemeViewForms",
    "SchemeViewRequirements",
    "StaffActivated",
    "StaffPage",
    "StaffView",
    "SweepBody",
    "SweepResult",
    "TimelineItem",
    "TokenResponse",
    "UnmetRequirement",
    "UpdateStaffBody",
    "VerificationBody",
    "VerificationBodyDecision",
    "WebhookReceipt",
    "WebhookReceiptOutcome",
)
