"""The siki service's composition root: the runtime, the use cases' context, the webhook
gateway, the consumers and the routes."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from fastapi import FastAPI

from services.siki.api import documents as documents_api
from services.siki.api import router
from services.siki.api.auth import OPERATOR_ROLES
from services.siki.api.deps import bind
from services.siki.db.lsp_keys import listen
from services.siki.db.models import AuditEntry, Base, IdempotencyKey, InboxEntry, Operator, OutboxEvent
from services.siki.domain.limits import AppealWindow
from services.siki.domain.webhook_urls import WebhookUrlGuard
from services.siki.events import register_consumers
from services.siki.gateways import WebhookSender, resolve_host
from services.siki.portal_gateway import PortalDocumentsGateway
from services.siki.settings import SikiSettings
from services.siki.usecases.context import SikiContext
from services.siki.usecases.registry import seed_dev_lsps
from services.siki.web.routes import install_web
from shared.audit import Auditor
from shared.bus import EventBus
from shared.calendar import indonesian_holidays
from shared.contracts.events import QUEUES
from shared.devdefaults import DEV_LSPS
from shared.idempotency import install_idempotency
from shared.operator_accounts import Operators
from shared.operators_api import install_operators
from shared.runtime import ServiceRuntime
from shared.sealing import install_data_keys

MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: SikiSettings | None = None, *, bus: EventBus | None = None) -> FastAPI:
    settings = settings or SikiSettings()
    runtime = ServiceRuntime(
        settings, outbox_model=OutboxEvent, inbox_model=InboxEntry, migrations=MIGRATIONS,
        bus=bus, declare_queues=QUEUES,
    )
    install_data_keys(runtime, Base.metadata)  # first: the sealing of old rows runs before other start-up steps
    auditor = Auditor(AuditEntry)
    siki = SikiContext(sessions=runtime.sessions, engine=runtime.engine, emit=runtime.emit,
                       appeal_window=AppealWindow(settings.appeal_window_working_days,
                                                  partial(indonesian_holidays, settings.count_collective_leave)),
                       webhook_urls=WebhookUrlGuard(strict=settings.strict_webhook_urls, resolve=resolve_host),
                       auditor=auditor)
    # Webhooks go to each LSP's own URL, signed, with no service token; the bus retries them.
    sender = WebhookSender(runtime.client("", audience="lsp", name="lsp-webhooks", token=lambda: None,
                                          timeout=settings.webhook_timeout_seconds, retries=0),
                           registry=runtime.registry)
    register_consumers(runtime, siki, sender, settings)
    if runtime.engine.dialect.name == "postgresql":  # LSPs' api keys kept while the registry's changes are heard
        runtime.background(lambda: listen(runtime.engine, siki.lsp_keys))
    if settings.is_dev and settings.seed_dev_lsps:
        urls = {code: settings.dev_webhook_url(code) for code in DEV_LSPS}
        runtime.on_startup(lambda: seed_dev_lsps(siki, urls))
    operators = Operators.for_runtime(runtime, model=Operator, auditor=auditor, roles=OPERATOR_ROLES)
    if settings.is_dev and settings.seed_dev_operator:
        runtime.on_startup(lambda: operators.seed_dev(password=settings.dev_password.get_secret_value()))
    app = FastAPI(title="siki", version="1.0.0", lifespan=runtime.lifespan,
                  description="SIKI, LPJK's hub: routes applications to LSPs, keeps the timeline and the SKK register.")
    # Before runtime.install, so that it sits inside the body limit: keyed POSTs run once.
    install_idempotency(app, runtime, IdempotencyKey, audience="siki")
    runtime.install(app)
    bind(app, siki, settings)
    app.include_router(router, prefix="/api/v1")
    # An LSP's staff open an application's documents, fetched from the portal with SIKI's own key.
    app.state.portal_documents = PortalDocumentsGateway(runtime.client(settings.portal_url, audience="portal",
                                                                       name="portal"))
    app.include_router(documents_api.router, prefix="/api/v1")
    install_operators(app, operators, auditor)
    install_web(app, settings)  # the operators' pages (web/)
    return app
