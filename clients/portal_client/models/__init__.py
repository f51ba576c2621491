"""Contains all the data models used in inputs/outputs"""

from .accepted import Accepted
from .activate_request import ActivateRequest
from .activate_response import ActivateResponse
from .appeal_request import AppealRequest
from .application_out import ApplicationOut
from .application_out_sections import ApplicationOutSections
from .application_status import ApplicationStatus
from .application_summary import ApplicationSummary
from .audit_check_out import AuditCheckOut
from .audit_event_out import AuditEventOut
from .audit_event_out_detail import AuditEventOutDetail
from .body_login import BodyLogin
from .body_upload_document import BodyUploadDocument
from .body_upload_payment_proof import BodyUploadPaymentProof
from .certificate_out import CertificateOut
from .certificate_status import CertificateStatus
from .change_password_request import ChangePasswordRequest
from .create_application import CreateApplication
from .document_out import DocumentOut
from .download_application_form_form import DownloadApplicationFormForm
from .education_level import EducationLevel
from .email_request import EmailRequest
from .field_problem import FieldProblem
from .health import Health
from .invoice import Invoice
from .invoice_out import InvoiceOut
from .jabatan_kerja import JabatanKerja
from .jwk import Jwk
from .jwks import Jwks
from .klasifikasi import Klasifikasi
from .kualifikasi import Kualifikasi
from .lsp import Lsp
from .nik_rebind_request import NikRebindRequest
from .nik_rebound import NikRebound
from .notification_out import NotificationOut
from .operator_login import OperatorLogin
from .operator_me import OperatorMe
from .operator_password_change import OperatorPasswordChange
from .operator_session_out import OperatorSessionOut
from .password_reset import PasswordReset
from .payment_proof_out import PaymentProofOut
from .problem_details import ProblemDetails
from .readiness import Readiness
from .readiness_checks import ReadinessChecks
from .reference_data import ReferenceData
from .reference_item import ReferenceItem
from .regency import Regency
from .register_request import RegisterRequest
from .register_response import RegisterResponse
from .reminder_sweep_out import ReminderSweepOut
from .reminder_sweep_request import ReminderSweepRequest
from .reset_password_request import ResetPasswordRequest
from .section_saved import SectionSaved
from .section_saved_sections import SectionSavedSections
from .sent_reminder_out import SentReminderOut
from .subklasifikasi import Subklasifikasi
from .timeline_entry_out import TimelineEntryOut
from .token_response import TokenResponse
from .tuk import Tuk
from .withdraw_request import WithdrawRequest

__all__ = (
    "Accepted",
    "ActivateRequest",
    "ActivateResponse",
    "AppealRequest",
    "ApplicationOut",
    "ApplicationOutSections",
    "ApplicationStatus",
    "ApplicationSummary",
    "AuditCheckOut",
    "AuditEventOut",
    "AuditEventOutDetail",
    "BodyLogin",
    "BodyUploadDocument",
    "BodyUploadPaymentProof",
    "CertificateOut",
    "CertificateStatus",
    "ChangePasswordRequest",
    "CreateApplication",
    "DocumentOut",
    "DownloadApplicationFormForm",
    "EducationLevel",
    "EmailRequest",
    "FieldProblem",
    "Health",
    "Invoice",
    "InvoiceOut",
    "JabatanKerja",
    "Jwk",
    "Jwks",
    "Klasifikasi",
    "Kualifikasi",
    "Lsp",
    "NikRebindRequest",
    "NikRebound",
    "NotificationOut",
    "OperatorLogin",
    "OperatorMe",
    "OperatorPasswordChange",
    "OperatorSessionOut",
    "PasswordReset",
    "PaymentProofOut",
    "ProblemDetails",
    "Readiness",
    "ReadinessChecks",
    "ReferenceData",
    "ReferenceItem",
    "Regency",
    "RegisterRequest",
    "RegisterResponse",
    "ReminderSweepOut",
    "ReminderSweepRequest",
    "ResetPasswordRequest",
    "SectionSaved",
    "SectionSavedSections",
    "SentReminderOut",
    "Subklasifikasi",
    "TimelineEntryOut",
    "TokenResponse",
    "Tuk",
    "WithdrawRequest",
)
