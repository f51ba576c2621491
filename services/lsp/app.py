"""The lsp service's composition root (one app per LSP; two may share a process): the runtime,
the SIKI gateway, the use cases' context, the issuance steps on the workflow's port, the
consumers and the routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.lsp.api import evidence as evidence_api
from services.lsp.api.deps import require_role
from services.lsp.api.forms import router as forms_router
from services.lsp.api.refused_reports import router as refused_reports_router
from services.lsp.api.routes import router
from services.lsp.api.staff import router as staff_router
from services.lsp.db.models import AuditEntry, Base, IdempotencyKey, InboxEntry, OutboxEvent
from services.lsp.domain.machine import RoleRefused, StateRefused
from services.lsp.events import register_consumers
from services.lsp.gateways import SikiGateway
from services.lsp.issuance.events import IssuanceRequests, register_issuance
from services.lsp.settings import LspSettings
from services.lsp.usecases.context import LspContext
from services.lsp.usecases.schemes import seed_schemes
from services.lsp.usecases.staff import seed_dev_staff
from services.lsp.usecases.steps import Workflow
from services.lsp.web import install_web
from shared.audit import Auditor
from shared.audit_api import audit_router
from shared.bus import EventBus
from shared.contracts.events import QUEUES
from shared.idempotency import install_idempotency
from shared.runtime import ServiceRuntime
from shared.sealing import install_data_keys

MIGRATIONS = Path(__file__).parent / "db" / "migrations"

# How the LSP's own errors answer (their shared base classes would map them the same way).
ERRORS: dict[type[Exception], int] = {RoleRefused: 403, StateRefused: 409}


def create_app(settings: LspSettings | None = None, *, bus: EventBus | None = None) -> FastAPI:
    settings = settings or LspSettings()
    runtime = ServiceRuntime(
        settings, outbox_model=OutboxEvent, inbox_model=InboxEntry, migrations=MIGRATIONS,
        bus=bus, declare_queues=QUEUES,
    )
    install_data_keys(runtime, Base.metadata)  # first: the sealing of old rows runs before other start-up steps
    api_key = settings.siki_api_key.get_secret_value()
    siki = SikiGateway(runtime.client(settings.siki_url, audience="siki", name="siki", token=lambda: api_key),
                       checks=runtime.client(settings.siki_url, audience="siki", name="siki", token=lambda: api_key,
                                             timeout=settings.eligibility_check_timeout_seconds, retries=0))
    ctx = LspContext(settings=settings, sessions=runtime.sessions, emit=runtime.emit, siki=siki,
                     issuance=IssuanceRequests(runtime.emit, settings.lsp_code),
                     throttle=runtime.throttle, auditor=Auditor(AuditEntry))
    register_consumers(runtime, ctx)
    register_issuance(runtime, settings, workflow=Workflow(ctx))

    async def seed() -> None:
        await seed_schemes(ctx)
        await seed_dev_staff(ctx)

    runtime.on_startup(seed)
    app = FastAPI(title="lsp", version="1.0.0", lifespan=runtime.lifespan,
                  description=f"{settings.lsp_name}: one LSP's own certification system (one instance per LSP).")
    # Before runtime.install, so that it sits inside the body limit: keyed POSTs run once.
    install_idempotency(app, runtime, IdempotencyKey)
    runtime.install(app, errors=ERRORS)
    app.state.lsp = ctx
    app.include_router(router)
    app.include_router(refused_reports_router)
    app.include_router(staff_router)  # the manager administers staff; activation links
    app.include_router(evidence_api.router)  # staff open an application's documents
    app.include_router(forms_router)  # download_apl01 / download_apl02
    # The LSP's own audit log, for its manager (role ``manajer``, SPEC section 8) or admin.
    app.include_router(audit_router(ctx.auditor, require_role("manajer", "admin"),
                                    sessions_of=lambda _: ctx.sessions))
    install_web(app, settings)  # the staff's pages under / (services/lsp/web/)
    return app
