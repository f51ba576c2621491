"""The lsp service's FastAPI factory."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.lsp.db.models import InboxEntry, OutboxEvent
from services.lsp.events import register_consumers
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
    register_consumers(runtime)
    app = FastAPI(title="lsp", version="1.0.0", lifespan=runtime.lifespan,
                  description="One LSP's own certification system (one instance per LSP).")
    runtime.install(app)
    return app
