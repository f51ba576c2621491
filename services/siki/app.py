"""The siki service's FastAPI factory."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.siki.db.models import InboxEntry, OutboxEvent
from services.siki.events import register_consumers
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
    register_consumers(runtime)
    app = FastAPI(title="siki", version="1.0.0", lifespan=runtime.lifespan,
                  description="SIKI, LPJK's hub: routes applications to LSPs, keeps the timeline and the SKK register.")
    runtime.install(app)
    return app
