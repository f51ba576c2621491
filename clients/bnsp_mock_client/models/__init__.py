"""Contains all the data models used in inputs/outputs"""

from .field_problem import FieldProblem
from .health import Health
from .issuance_request import IssuanceRequest
from .issuance_request_kualifikasi import IssuanceRequestKualifikasi
from .issuance_response import IssuanceResponse
from .jwk import Jwk
from .jwks import Jwks
from .problem_details import ProblemDetails
from .readiness import Readiness
from .readiness_checks import ReadinessChecks

__all__ = (
    "FieldProblem",
    "Health",
    "IssuanceRequest",
    "IssuanceRequestKualifikasi",
    "IssuanceResponse",
    "Jwk",
    "Jwks",
    "ProblemDetails",
    "Readiness",
    "ReadinessChecks",
)
