"""Contains all the data models used in inputs/outputs"""

from .activate_request import ActivateRequest
from .activate_response import ActivateResponse
from .appeal_request import AppealRequest
from .application_out import ApplicationOut
from .application_out_sections import ApplicationOutSections
from .application_status import ApplicationStatus
from .application_summary import ApplicationSummary
from .body_login import BodyLogin
from .body_upload_document import BodyUploadDocument
from .body_upload_payment_proof import BodyUploadPaymentProof
from .certificate import Certificate
from .create_application import CreateApplication
from .document_out import DocumentOut
from .education_level import EducationLevel
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
from .payment_proof_out import PaymentProofOut
from .problem_details import ProblemDetails
from .readiness import Readiness
from .readiness_checks import ReadinessChecks
from .reference_data import ReferenceData
from .reference_item import ReferenceItem
from .regency import Regency
from .register_request import RegisterRequest
from .register_response import RegisterResponse
from .subklasifikasi import Subklasifikasi
from .timeline_entry_out import TimelineEntryOut
from .token_response import TokenResponse
from .tuk import Tuk
from .withdraw_request import WithdrawRequest

__all__ = (
    "ActivateRequest",
    "ActivateResponse",
    "AppealRequest",
    "ApplicationOut",
    "ApplicationOutSections",
    "ApplicationStatus",
    "ApplicationSummary",
    "BodyLogin",
    "BodyUploadDocument",
    "BodyUploadPaymentProof",
    "Certificate",
    "CreateApplication",
    "DocumentOut",
    "EducationLevel",
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
    "PaymentProofOut",
    "ProblemDetails",
    "Readiness",
    "ReadinessChecks",
    "ReferenceData",
    "ReferenceItem",
    "Regency",
    "RegisterRequest",
    "RegisterResponse",
    "Subklasifikasi",
    "TimelineEntryOut",
    "TokenResponse",
    "Tuk",
    "WithdrawRequest",
)
