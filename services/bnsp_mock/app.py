"""The bnsp service's composition root: runtime, use cases, routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.bnsp_mock.api.issuances import router as issuance_router
from services.bnsp_mock.db.models import InboxEntry, OutboxEvent
from services.bnsp_mock.events import register_consumers
from services.bnsp_mock.settings import BnspSettings
from services.bnsp_mock.usecases.issuances import Issuances
from shared.bus import EventBus
from shared.contracts.events import QUEUES
from shared.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: BnspSettings | None = None, *, bus: EventBus | None = None) -> FastAPI:
    settings = settings or BnspSettings()
    runtime = ServiceRuntime(
        settings, outbox_model=OutboxEvent, inbox_model=InboxEntry, migrations=MIGRATIONS,
        bus=bus, declare_queues=QUEUES,
    )
    register_consumers(runtime)
    app = FastAPI(title="bnsp", version="1.0.0", lifespan=runtime.lifespan,
                  description="BNSP: issues SKK numbers and BNSP registration numbers.")
    runtime.install(app)  # PlanChanged (409) and LspNotLicensed (403) answer as their base classes
    app.state.issuances = Issuances(runtime.sessions)
    app.include_router(issuance_router)
    return app
