"""The portal service's FastAPI factory."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.portal.api import applications, auth, documents, notifications, reference
from services.portal.api.deps import ConfirmedUsers, PortalContext
from services.portal.db.models import InboxEntry, OutboxEvent
from services.portal.events import register_consumers
from services.portal.settings import PortalSettings
from services.portal.storage import DocumentStore
from shared.bus import EventBus
from shared.contracts.events import QUEUES
from shared.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
API_PREFIX = "/api/v1"


def create_app(settings: PortalSettings | None = None, *, bus: EventBus | None = None) -> FastAPI:
    settings = settings or PortalSettings()
    runtime = ServiceRuntime(
        settings, outbox_model=OutboxEvent, inbox_model=InboxEntry, migrations=MIGRATIONS,
        bus=bus, declare_queues=QUEUES,
    )
    register_consumers(runtime)
    app = FastAPI(title="portal", version="1.0.0", lifespan=runtime.lifespan,
                  description="The PUPR licensing portal: applicants register, apply, pay and download.")
    runtime.install(app)
    app.state.portal = PortalContext(
        runtime=runtime, settings=settings, store=DocumentStore(settings.document_dir),
        siki=runtime.client(settings.siki_url, audience="siki", name="siki"),
        confirmed_users=ConfirmedUsers(min(settings.user_recheck_seconds, settings.access_token_ttl_seconds)),
    )
    for module in (auth, reference, documents, applications, notifications):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(auth.page_router)
    return app
