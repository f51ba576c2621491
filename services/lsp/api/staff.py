"""The LSP's staff administration (SPEC section 8, "Accounts"): the manager's ``create_staff``,
``list_staff`` and ``update_staff``, and the public ``activate_staff`` of the emailed link (the
page that link opens, ``/aktivasi-staf``, is one of the staff's pages: ``services/lsp/web/``).
Each route parses, authorises and calls one use case (``usecases/staff_admin.py``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from services.lsp.api.deps import Client, Ctx, require_role
from services.lsp.api.schemas import (
    ActivateStaffBody,
    CreateStaffBody,
    StaffActivated,
    StaffPage,
    StaffView,
    UpdateStaffBody,
)
from services.lsp.usecases import staff_admin
from services.lsp.usecases.staff import StaffPrincipal
from shared.errors import PROBLEM_RESPONSES
from shared.paging import DEFAULT_LIMIT, Limit, Offset

api = APIRouter(prefix="/api/v1/staff", tags=["staff"], responses=PROBLEM_RESPONSES)

Manajer = Annotated[StaffPrincipal, Depends(require_role("manajer"))]


@api.post("", operation_id="create_staff", status_code=201)
async def create_staff(ctx: Ctx, manager: Manajer, body: CreateStaffBody) -> StaffView:
    """A staff account with no password yet: an activation link is emailed to ``email``."""
    return StaffView.model_validate(await staff_admin.create_staff(
        ctx, manager, username=body.username, full_name=body.full_name, email=body.email, roles=body.roles,
        asesor_registration_number=body.asesor_registration_number))


@api.get("", operation_id="list_staff")
async def list_staff(ctx: Ctx, manager: Manajer, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> StaffPage:
    """By username, one page at a time; ``total`` counts every account."""
    return StaffPage.model_validate(await staff_admin.list_staff(ctx, manager, limit=limit, offset=offset))


@api.patch("/{username}", operation_id="update_staff")
async def update_staff(ctx: Ctx, manager: Manajer, username: str, body: UpdateStaffBody) -> StaffView:
    """Deactivating an account or removing a role counts from the account's next request."""
    return StaffView.model_validate(await staff_admin.update_staff(
        ctx, manager, username, roles=body.roles, active=body.active, full_name=body.full_name,
        asesor_registration_number=body.asesor_registration_number, resend_activation=body.resend_activation))


@api.post("/activation", operation_id="activate_staff")
async def activate_staff(ctx: Ctx, client: Client, body: ActivateStaffBody) -> StaffActivated:
    """Sets the password with the emailed link (once, before it expires); then log in."""
    return StaffActivated.model_validate(await staff_admin.activate_staff(
        ctx, body.token, body.password, body.password_repeat, client))


router = APIRouter()
router.include_router(api)
