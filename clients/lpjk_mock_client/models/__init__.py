"""Contains all the data models used in inputs/outputs"""

from .audit_check_out import AuditCheckOut
from .audit_event_out import AuditEventOut
from .audit_event_out_detail import AuditEventOutDetail
from .certificate_status import CertificateStatus
from .certificate_status_answer import CertificateStatusAnswer
from .field_problem import FieldProblem
from .health import Health
from .jwk import Jwk
from .jwks import Jwks
from .operator_login import OperatorLogin
from .operator_me import OperatorMe
from .operator_password_change import OperatorPasswordChange
from .operator_session_out import OperatorSessionOut
from .problem_details import ProblemDetails
from .qr_verify_request import QrVerifyRequest
from .readiness import Readiness
from .readiness_checks import ReadinessChecks
from .record_answer import RecordAnswer
from .record_request import RecordRequest
from .record_request_kualifikasi import RecordRequestKualifikasi
from .revoke_request import RevokeRequest
from .signing_key import SigningKey
from .signing_keys import SigningKeys
from .status_change_request import StatusChangeRequest
from .trust_list import TrustList
from .trusted_key import TrustedKey
from .trusted_key_purposes_item import TrustedKeyPurposesItem
from .trusted_key_status import TrustedKeyStatus
from .verification_result import VerificationResult

__all__ = (
    "AuditCheckOut",
    "AuditEventOut",
    "AuditEventOutDetail",
    "CertificateStatus",
    "CertificateStatusAnswer",
    "FieldProblem",
    "Health",
    "Jwk",
    "Jwks",
    "OperatorLogin",
    "OperatorMe",
    "OperatorPasswordChange",
    "OperatorSessionOut",
    "ProblemDetails",
    "QrVerifyRequest",
    "Readiness",
    "ReadinessChecks",
    "RecordAnswer",
    "RecordRequest",
    "RecordRequestKualifikasi",
    "RevokeRequest",
    "SigningKey",
    "SigningKeys",
    "StatusChangeRequest",
    "TrustList",
    "TrustedKey",
    "TrustedKeyPurposesItem",
    "TrustedKeyStatus",
    "VerificationResult",
)
