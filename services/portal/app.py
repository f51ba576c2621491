"""The portal service's composition root: the runtime, the adapters (document store, mail, SIKI),
the use cases, and the routers and consumers that call them."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from fastapi import FastAPI

from services.portal.api import applications, auth, documents, notifications, operator, reference
from services.portal.api.deps import ConfirmedUsers, PortalContext
from services.portal.db.models import InboxEntry, OutboxEvent
from services.portal.events import register_consumers
from services.portal.gateways.siki import SikiGateway
from services.portal.mail import send_email
from services.portal.settings import PortalSettings
from services.portal.storage import DocumentStore
from services.portal.usecases import (
    Accounts,
    Appeals,
    Applications,
    Certificates,
    Documents,
    NikBindings,
    Notifications,
    Payments,
    PortalUseCases,
    StatusMirror,
    Submission,
    Withdrawal,
)
from shared.bus import EventBus
from shared.contracts.events import QUEUES
from shared.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
API_PREFIX = "/api/v1"


def build_usecases(runtime: ServiceRuntime, settings: PortalSettings) -> PortalUseCases:
    sessions, emit, public_url = runtime.sessions, runtime.emit, settings.public_url
    store = DocumentStore(settings.document_dir)
    siki = SikiGateway(runtime.client(settings.siki_url, audience="siki", name="siki"))
    docs = Documents(sessions, store, settings.max_upload_bytes)
    nik = NikBindings(sessions, siki, settings.nik_binding_secret.get_secret_value())
    return PortalUseCases(
        accounts=Accounts(sessions, emit, settings),
        applications=Applications(sessions, runtime.engine, nik),
        submission=Submission(sessions, siki, public_url, nik),
        payments=Payments(sessions, docs, siki, public_url),
        appeals=Appeals(sessions, siki),
        certificates=Certificates(sessions, store, siki, emit),
        documents=docs,
        notifications=Notifications(sessions, partial(send_email, settings)),
        status_mirror=StatusMirror(emit, public_url),
        withdrawal=Withdrawal(sessions, siki),
        nik_bindings=nik,
    )


def create_app(settings: PortalSettings | None = None, *, bus: EventBus | None = None) -> FastAPI:
    settings = settings or PortalSettings()
    runtime = ServiceRuntime(
        settings, outbox_model=OutboxEvent, inbox_model=InboxEntry, migrations=MIGRATIONS,
        bus=bus, declare_queues=QUEUES,
    )
    usecases = build_usecases(runtime, settings)
    register_consumers(runtime, usecases)
    app = FastAPI(title="portal", version="1.0.0", lifespan=runtime.lifespan,
                  description="The PUPR licensing portal: applicants register, apply, pay and download.")
    runtime.install(app)
    app.state.portal = PortalContext(
        runtime=runtime, settings=settings, usecases=usecases,
        confirmed_users=ConfirmedUsers(min(settings.user_recheck_seconds, settings.access_token_ttl_seconds)),
    )
    for module in (auth, reference, documents, applications, notifications, operator):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(auth.page_router)
    return app
