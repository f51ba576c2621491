"""The lpjk routes' dependencies: the calling service, the LPJK operator, the use cases."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from services.lpjk_mock.usecases.records import Records
from services.lpjk_mock.usecases.verification import Verification
from shared.auth import bearer_token, service_caller_dependency
from shared.exceptions import Forbidden, Unauthenticated

AUDIENCE = "lpjk"

# Only LSPs, each with a valid service token of its own for LPJK; which LSP it may speak for is
# checked per request.
service_caller = service_caller_dependency(AUDIENCE, lambda caller: caller.startswith("lsp:"))


async def operator(request: Request) -> str:
    """An LPJK operator: ``Authorization: Bearer <SKK_OPERATOR_TOKEN>``."""
    expected = request.app.state.runtime.settings.operator_token.get_secret_value()
    if not hmac.compare_digest(bearer_token(request), expected):
        raise Unauthenticated("not an LPJK operator", headers={"WWW-Authenticate": "Bearer"})
    return "operator"


def get_records(request: Request) -> Records:
    return request.app.state.records  # type: ignore[no-any-return]


def get_verification(request: Request) -> Verification:
    return request.app.state.verification  # type: ignore[no-any-return]


CallerDep = Annotated[str, Depends(service_caller)]
OperatorDep = Annotated[str, Depends(operator)]
RecordsDep = Annotated[Records, Depends(get_records)]
VerificationDep = Annotated[Verification, Depends(get_verification)]


def require_lsp(caller: str, lsp_code: str) -> None:
    """Only the LSP itself (service ``lsp:{lsp_code}``) may record its SKK."""
    if caller != f"lsp:{lsp_code}":
        raise Forbidden(f"service {caller!r} may not record SKK for {lsp_code}",
                        errors=[{"field": "lsp_code", "message": "must be the calling LSP"}])
