"""The lsp service's FastAPI factory (one app per LSP; two may share a process)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.lsp.api.routes import router
from services.lsp.context import install_context
from services.lsp.db.models import InboxEntry, OutboxEvent
from services.lsp.events import register_consumers
from services.lsp.issuance.consumer import register_issuance
from services.lsp.seed import seed_dev_staff, seed_schemes
from services.lsp.settings import LspSettings
from shared.bus import EventBus
from shared.contracts.events import QUEUES
from shared.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: LspSettings | None = None, *, bus: EventBus | None = None) -> FastAPI:
    settings = settings or LspSettings()
    runtime = ServiceRuntime(
        settings, outbox_model=OutboxEvent, inbox_model=InboxEntry, migrations=MIGRATIONS,
        bus=bus, declare_queues=QUEUES,
    )
    ctx = install_context(runtime, settings)
    register_consumers(runtime, ctx)
    register_issuance(runtime, settings)

    async def seed() -> None:
        await seed_schemes(ctx)
        await seed_dev_staff(ctx)

    runtime.on_startup(seed)
    app = FastAPI(title="lsp", version="1.0.0", lifespan=runtime.lifespan,
                  description=f"{settings.lsp_name}: one LSP's own certification system (one instance per LSP).")
    runtime.install(app)
    app.state.lsp = ctx
    app.include_router(router)
    return app
