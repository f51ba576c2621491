"""Contains all the data models used in inputs/outputs"""

from .appeal_submission import AppealSubmission
from .applicant import Applicant
from .application_form_file import ApplicationFormFile
from .application_form_file_form import ApplicationFormFileForm
from .application_forms_stored import ApplicationFormsStored
from .application_forms_stored_stored_item import ApplicationFormsStoredStoredItem
from .application_forms_upload import ApplicationFormsUpload
from .application_in_progress import ApplicationInProgress
from .application_status import ApplicationStatus
from .application_submission import ApplicationSubmission
from .application_submission_application_kind import ApplicationSubmissionApplicationKind
from .application_submission_kualifikasi import ApplicationSubmissionKualifikasi
from .application_submission_sections import ApplicationSubmissionSections
from .application_submission_sections_additional_property import ApplicationSubmissionSectionsAdditionalProperty
from .assessment_info import AssessmentInfo
from .assessment_info_recommendation_type_0 import AssessmentInfoRecommendationType0
from .assessment_info_result_type_0 import AssessmentInfoResultType0
from .audit_check_out import AuditCheckOut
from .audit_event_out import AuditEventOut
from .audit_event_out_detail import AuditEventOutDetail
from .certificate import Certificate
from .certificate_status import CertificateStatus
from .document_ref import DocumentRef
from .eligibility_answer import EligibilityAnswer
from .field_problem import FieldProblem
from .get_application_form_form import GetApplicationFormForm
from .health import Health
from .invoice import Invoice
from .jwk import Jwk
from .jwks import Jwks
from .list_refused_reports_state_type_0 import ListRefusedReportsStateType0
from .list_webhook_deliveries_status_type_0 import ListWebhookDeliveriesStatusType0
from .lsp_out import LspOut
from .lsp_registration import LspRegistration
from .lsp_with_credentials import LspWithCredentials
from .nik_binding_out import NikBindingOut
from .nik_rebinding import NikRebinding
from .operator_login import OperatorLogin
from .operator_me import OperatorMe
from .operator_password_change import OperatorPasswordChange
from .operator_session_out import OperatorSessionOut
from .payment_proof_submission import PaymentProofSubmission
from .previous_certificate import PreviousCertificate
from .problem_details import ProblemDetails
from .readiness import Readiness
from .readiness_checks import ReadinessChecks
from .refused_report_out import RefusedReportOut
from .refused_report_out_report import RefusedReportOutReport
from .refused_report_out_state import RefusedReportOutState
from .refused_report_resolution import RefusedReportResolution
from .refused_report_resolution_resolution import RefusedReportResolutionResolution
from .registered_skk import RegisteredSkk
from .skk_by_nik import SkkByNik
from .skk_query import SkkQuery
from .status_report import StatusReport
from .status_report_answer import StatusReportAnswer
from .submission_accepted import SubmissionAccepted
from .timeline_entry_out import TimelineEntryOut
from .timeline_out import TimelineOut
from .webhook_attempt_out import WebhookAttemptOut
from .webhook_delivery_out import WebhookDeliveryOut
from .webhook_delivery_out_status import WebhookDeliveryOutStatus
from .webhook_delivery_out_type import WebhookDeliveryOutType
from .withdrawal_submission import WithdrawalSubmission

__all__ = (
    "AppealSubmission",
    "Applicant",
    "ApplicationFormFile",
    "ApplicationFormFileForm",
    "ApplicationFormsStored",
    "ApplicationFormsStoredStoredItem",
    "ApplicationFormsUpload",
    "ApplicationInProgress",
    "ApplicationStatus",
    "ApplicationSubmission",
    "ApplicationSubmissionApplicationKind",
    "ApplicationSubmissionKualifikasi",
    "ApplicationSubmissionSections",
    "ApplicationSubmissionSectionsAdditionalProperty",
    "AssessmentInfo",
    "AssessmentInfoRecommendationType0",
    "AssessmentInfoResultType0",
    "AuditCheckOut",
    "AuditEventOut",
    "AuditEventOutDetail",
    "Certificate",
    "CertificateStatus",
    "DocumentRef",
    "EligibilityAnswer",
    "FieldProblem",
    "GetApplicationFormForm",
    "Health",
    "Invoice",
    "Jwk",
    "Jwks",
    "ListRefusedReportsStateType0",
    "ListWebhookDeliveriesStatusType0",
    "LspOut",
    "LspRegistration",
    "LspWithCredentials",
    "NikBindingOut",
    "NikRebinding",
    "OperatorLogin",
    "OperatorMe",
    "OperatorPasswordChange",
    "OperatorSessionOut",
    "PaymentProofSubmission",
    "PreviousCertificate",
    "ProblemDetails",
    "Readiness",
    "ReadinessChecks",
    "RefusedReportOut",
    "RefusedReportOutReport",
    "RefusedReportOutState",
    "RefusedReportResolution",
    "RefusedReportResolutionResolution",
    "RegisteredSkk",
    "SkkByNik",
    "SkkQuery",
    "StatusReport",
    "StatusReportAnswer",
    "SubmissionAccepted",
    "TimelineEntryOut",
    "TimelineOut",
    "WebhookAttemptOut",
    "WebhookDeliveryOut",
    "WebhookDeliveryOutStatus",
    "WebhookDeliveryOutType",
    "WithdrawalSubmission",
)
