"""The siki service's FastAPI factory."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.siki.api.routes import router
from services.siki.db.models import InboxEntry, OutboxEvent
from services.siki.events import register_consumers
from services.siki.service import Siki
from services.siki.settings import SikiSettings
from shared.bus import EventBus
from shared.contracts.events import QUEUES
from shared.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: SikiSettings | None = None, *, bus: EventBus | None = None) -> FastAPI:
    settings = settings or SikiSettings()
    runtime = ServiceRuntime(
        settings, outbox_model=OutboxEvent, inbox_model=InboxEntry, migrations=MIGRATIONS,
        bus=bus, declare_queues=QUEUES,
    )
    siki = Siki(runtime, settings)
    register_consumers(runtime, siki)
    runtime.on_startup(siki.start)
    runtime.on_shutdown(siki.stop)
    app = FastAPI(title="siki", version="1.0.0", lifespan=runtime.lifespan,
                  description="SIKI, LPJK's hub: routes applications to LSPs, keeps the timeline and the SKK register.")
    runtime.install(app)
    app.state.siki = siki
    app.include_router(router, prefix="/api/v1")
    return app
