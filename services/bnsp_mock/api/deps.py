"""The bnsp routes' dependencies: the calling service and the use cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.bnsp_mock.usecases.issuances import Issuances
from shared.auth import service_caller_dependency
from shared.exceptions import Forbidden

AUDIENCE = "bnsp"

# Only LSPs, each with a valid service token of its own for BNSP; which LSP it may speak for is
# checked per request.
service_caller = service_caller_dependency(AUDIENCE, lambda caller: caller.startswith("lsp:"))


async def get_issuances(request: Request) -> Issuances:
    return request.app.state.issuances  # type: ignore[no-any-return]


CallerDep = Annotated[str, Depends(service_caller)]
IssuancesDep = Annotated[Issuances, Depends(get_issuances)]


def require_lsp(caller: str, lsp_code: str) -> None:
    """Only the LSP itself (service ``lsp:{lsp_code}``) may ask for its applications."""
    if caller != f"lsp:{lsp_code}":
        raise Forbidden(f"service {caller!r} may not request issuance for {lsp_code}",
                        errors=[{"field": "lsp_code", "message": "must be the calling LSP"}])
