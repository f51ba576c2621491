"""Contains all the data models used in inputs/outputs"""

from .audit_check_out import AuditCheckOut
from .audit_event_out import AuditEventOut
from .audit_event_out_detail import AuditEventOutDetail
from .backdated_issuance import BackdatedIssuance
from .field_problem import FieldProblem
from .health import Health
from .issuance_request import IssuanceRequest
from .issuance_request_application_kind import IssuanceRequestApplicationKind
from .issuance_request_kualifikasi import IssuanceRequestKualifikasi
from .issuance_response import IssuanceResponse
from .jwk import Jwk
from .jwks import Jwks
from .operator_login import OperatorLogin
from .operator_me import OperatorMe
from .operator_password_change import OperatorPasswordChange
from .operator_session_out import OperatorSessionOut
from .problem_details import ProblemDetails
from .readiness import Readiness
from .readiness_checks import ReadinessChecks

__all__ = (
    "AuditCheckOut",
    "AuditEventOut",
    "AuditEventOutDetail",
    "BackdatedIssuance",
    "FieldProblem",
    "Health",
    "IssuanceRequest",
    "IssuanceRequestApplicationKind",
    "IssuanceRequestKualifikasi",
    "IssuanceResponse",
    "Jwk",
    "Jwks",
    "OperatorLogin",
    "OperatorMe",
    "OperatorPasswordChange",
    "OperatorSessionOut",
    "ProblemDetails",
    "Readiness",
    "ReadinessChecks",
)
