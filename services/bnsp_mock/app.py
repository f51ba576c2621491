"""The bnsp service's composition root: runtime, use cases, routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.bnsp_mock.api.dev import router as dev_router
from services.bnsp_mock.api.issuances import router as issuance_router
from services.bnsp_mock.db.models import AuditEntry, Base, IdempotencyKey, InboxEntry, Operator, OutboxEvent
from services.bnsp_mock.events import register_consumers
from services.bnsp_mock.settings import BnspSettings
from services.bnsp_mock.usecases.issuances import Issuances
from shared.audit import Auditor
from shared.bus import EventBus
from shared.contracts.events import QUEUES
from shared.idempotency import install_idempotency
from shared.operator_accounts import Operators
from shared.operators import AUDIT
from shared.operators_api import install_operators
from shared.runtime import ServiceRuntime
from shared.sealing import install_data_keys

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
# BNSP's operators only read the audit log (``admin`` holds every role).
OPERATOR_ROLES = (AUDIT,)


def create_app(settings: BnspSettings | None = None, *, bus: EventBus | None = None) -> FastAPI:
    settings = settings or BnspSettings()
    runtime = ServiceRuntime(
        settings, outbox_model=OutboxEvent, inbox_model=InboxEntry, migrations=MIGRATIONS,
        bus=bus, declare_queues=QUEUES,
    )
    install_data_keys(runtime, Base.metadata)  # first: the sealing of old rows runs before other start-up steps
    register_consumers(runtime)
    app = FastAPI(title="bnsp", version="1.0.0", lifespan=runtime.lifespan,
                  description="BNSP: issues SKK numbers and BNSP registration numbers.")
    # Before runtime.install, so that it sits inside the body limit: keyed POSTs run once.
    install_idempotency(app, runtime, IdempotencyKey, audience="bnsp")
    runtime.install(app)  # PlanChanged (409) and LspNotLicensed (403) answer as their base classes
    app.state.issuances = Issuances(runtime.sessions)
    app.include_router(issuance_router)
    if settings.is_dev:  # a simulation aid: production has no way to backdate an issuance
        app.include_router(dev_router)
    auditor = Auditor(AuditEntry)
    operators = Operators.for_runtime(runtime, model=Operator, auditor=auditor, roles=OPERATOR_ROLES)
    if settings.is_dev and settings.seed_dev_operator:
        runtime.on_startup(lambda: operators.seed_dev(password=settings.dev_password.get_secret_value()))
    install_operators(app, operators, auditor)
    return app
