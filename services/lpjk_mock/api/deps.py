"""The lpjk routes' dependencies: the calling service, the LPJK operator, the use cases.

Operators are people with accounts (shared/operators_api.py, ``create_operator_session``); their
roles here: ``records`` (suspending, reinstating, revoking certificates) and ``audit`` (the audit
log); ``admin`` holds both."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.lpjk_mock.usecases.credentials import Credentials
from services.lpjk_mock.usecases.records import Records
from services.lpjk_mock.usecases.status import CertificateStatuses
from services.lpjk_mock.usecases.verification import Verification
from shared.auth import service_caller_dependency
from shared.exceptions import Forbidden
from shared.operators import OperatorPrincipal
from shared.operators_api import operator_with

AUDIENCE = "lpjk"
RECORDS, AUDIT = "records", "audit"
OPERATOR_ROLES = (RECORDS, AUDIT)

# Only LSPs, each with a valid service token of its own for LPJK; which LSP it may speak for is
# checked per request.
service_caller = service_caller_dependency(AUDIENCE, lambda caller: caller.startswith("lsp:"))


async def get_records(request: Request) -> Records:
    return request.app.state.records  # type: ignore[no-any-return]


async def get_statuses(request: Request) -> CertificateStatuses:
    return request.app.state.records.statuses  # type: ignore[no-any-return]


async def get_credentials(request: Request) -> Credentials:
    return request.app.state.credentials  # type: ignore[no-any-return]


async def get_verification(request: Request) -> Verification:
    return request.app.state.verification  # type: ignore[no-any-return]


CallerDep = Annotated[str, Depends(service_caller)]
RecordsOperator = Annotated[OperatorPrincipal, Depends(operator_with(RECORDS))]
RecordsDep = Annotated[Records, Depends(get_records)]
VerificationDep = Annotated[Verification, Depends(get_verification)]
StatusesDep = Annotated[CertificateStatuses, Depends(get_statuses)]
CredentialsDep = Annotated[Credentials, Depends(get_credentials)]


def require_lsp(caller: str, lsp_code: str) -> None:
    """Only the LSP itself (service ``lsp:{lsp_code}``) may record its SKK."""
    if caller != f"lsp:{lsp_code}":
        raise Forbidden(f"service {caller!r} may not record SKK for {lsp_code}",
                        errors=[{"field": "lsp_code", "message": "must be the calling LSP"}])
